package org.cybexp.input.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;

/**
 * A websocket server (RFC 6455) on 127.0.0.1 and a free port, for tests of websocket inputs: it plays the relay
 * (a Logstash {@code websocket} output, a honeypot feed) and lets the test decide every frame. The JDK has no
 * websocket server, and a full one would hide the very frames such tests need to control.
 *
 * <p>For each client it completes the opening handshake (or, as the test says, answers another HTTP status or
 * stays silent), then the test sends text, fragmented, binary, ping and close frames, or drops the TCP
 * connection without a close frame, to that client ({@link Peer}), one call at a time or as a {@link Script}.
 * The server reads the client's frames (masked, as RFC 6455 requires), answers pings with pongs unless told not
 * to, answers a close frame, and records the pings, pongs and close code it received, the request line and
 * headers of each handshake, and how many connections were opened.
 *
 * <pre>{@code
 * try (LoopbackWebSocketServer server = LoopbackWebSocketServer.start()) {
 *     ... configure the input with url = server.uri("/events") and start it ...
 *     LoopbackWebSocketServer.Peer client = server.awaitClient(Duration.ofSeconds(10));
 *     client.play(LoopbackWebSocketServer.Script.of()
 *             .text("{\"eventid\":\"cowrie.session.connect\"}")
 *             .binary(new byte[] {1, 2, 3})
 *             .close(1001, "going away"));
 *     assertTrue(client.awaitGone(Duration.ofSeconds(10)));
 *     server.awaitClient(Duration.ofSeconds(10)).drop();   // the input reconnected; now the cable is cut
 *     assertEquals(2, server.connections());
 * }
 * }</pre>
 *
 * Only loopback: the server listens on the loopback address and its URIs name {@code 127.0.0.1}. Its threads are
 * daemon threads; {@link #close()} drops every connection. Thread-safe.
 *
 * @since 1.1
 */
public final class LoopbackWebSocketServer implements AutoCloseable {

    /** Opcode of a continuation frame (the next fragment of a message). */
    public static final int CONTINUATION = 0x0;
    /** Opcode of a text frame (UTF-8). */
    public static final int TEXT = 0x1;
    /** Opcode of a binary frame. */
    public static final int BINARY = 0x2;
    /** Opcode of a close frame (2-byte code, then a UTF-8 reason). */
    public static final int CLOSE = 0x8;
    /** Opcode of a ping frame. */
    public static final int PING = 0x9;
    /** Opcode of a pong frame. */
    public static final int PONG = 0xA;

    /** RFC 6455 section 1.3: the GUID appended to the client's key for {@code Sec-WebSocket-Accept}. */
    /** How long a connection whose TLS handshake failed waits for the client to close it. */
    private static final Duration LINGER = Duration.ofSeconds(30);

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket server;
    private final String scheme;
    private final TlsLayer tls;
    private final BlockingQueue<Peer> connected = new LinkedBlockingQueue<>();
    private final List<Peer> peers = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean answerPings = true;
    private volatile boolean answerHandshakes = true;
    private volatile int rejectStatus;
    private volatile Map<String, String> rejectHeaders = Map.of();

    private LoopbackWebSocketServer(ServerSocketFactory factory, String scheme, TlsLayer tls) throws IOException {
        this.server = factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.scheme = scheme;
        this.tls = tls;
        Thread acceptor = new Thread(this::accept, "testkit-ws-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a plain {@code ws://} server on 127.0.0.1 and a free port. */
    public static LoopbackWebSocketServer start() throws IOException {
        return new LoopbackWebSocketServer(ServerSocketFactory.getDefault(), "ws", null);
    }

    /**
     * Starts a {@code wss://} server on 127.0.0.1 and a free port, presenting the certificate of the given TLS
     * server socket factory (e.g. {@code SSLContext.getServerSocketFactory()} with a test key store).
     */
    public static LoopbackWebSocketServer startTls(SSLServerSocketFactory tls) throws IOException {
        return new LoopbackWebSocketServer(tls, "wss", null);
    }

    /**
     * Starts a {@code wss://} server on 127.0.0.1 and a free port, presenting the certificate of the given TLS
     * context, and requiring a client certificate it trusts if asked to. When the TLS handshake fails (the
     * client refuses the certificate, or has none the server wants), the server keeps the TCP connection until
     * the client closes it: so the client always meets its TLS error, never a connection the server closed first.
     *
     * @since 1.3
     */
    public static LoopbackWebSocketServer startTls(SSLContext tls, boolean needClientAuth) throws IOException {
        return new LoopbackWebSocketServer(ServerSocketFactory.getDefault(), "wss", new TlsLayer(tls, needClientAuth));
    }

    /** TLS over an accepted TCP socket, which the TLS layer does not close (autoClose false). */
    private record TlsLayer(SSLContext context, boolean needClientAuth) {
        SSLSocket over(Socket tcp) throws IOException {
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(tcp, null, false); // server mode
            socket.setNeedClientAuth(needClientAuth);
            return socket;
        }
    }

    /** The URI of a path (and optional query) on this server, e.g. {@code uri("/events")}. */
    public URI uri(String pathAndQuery) {
        return URI.create(scheme + "://127.0.0.1:" + server.getLocalPort() + pathAndQuery);
    }

    /** The port the server listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** Whether the client's pings are answered with pongs (the default); a hung peer does not answer them. */
    public LoopbackWebSocketServer answerPings(boolean answer) {
        this.answerPings = answer;
        return this;
    }

    /**
     * Whether opening handshakes are answered at all (the default). With {@code false} a new connection is
     * accepted and its request read, then nothing is sent until the client or {@link #close()} ends it: a relay
     * that hangs while connecting.
     */
    public LoopbackWebSocketServer answerHandshakes(boolean answer) {
        this.answerHandshakes = answer;
        return this;
    }

    /**
     * Answers the following handshakes with this HTTP status (e.g. {@code 503} with {@code Retry-After}, or
     * {@code 404}) and these headers instead of {@code 101}, then closes the connection; until
     * {@link #acceptHandshakes()}.
     */
    public LoopbackWebSocketServer rejectWith(int status, Map<String, String> headers) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("not a refusing HTTP status: " + status);
        }
        this.rejectHeaders = Map.copyOf(headers);
        this.rejectStatus = status;
        return this;
    }

    /** Completes the following handshakes with {@code 101} again, after {@link #rejectWith}. */
    public LoopbackWebSocketServer acceptHandshakes() {
        this.rejectStatus = 0;
        return this;
    }

    /** The request lines of every handshake received, oldest first, e.g. {@code GET /events?x=1 HTTP/1.1}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** How many websocket connections were opened (handshakes completed with {@code 101}) since the start. */
    public int connections() {
        return connections.get();
    }

    /** How many websocket connections are open now (completed handshake, neither closed nor dropped yet). */
    public int openConnections() {
        return (int) peers.stream().filter(Peer::isOpen).count();
    }

    /**
     * Waits for the next client whose handshake completed, in the order they connected: each client is
     * returned once, even if it has gone away since.
     *
     * @throws AssertionError if no client completes a handshake within the timeout
     */
    public Peer awaitClient(Duration timeout) throws InterruptedException {
        Peer peer = connected.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (peer == null) {
            throw new AssertionError("no websocket client connected within " + timeout);
        }
        return peer;
    }

    /** Stops listening and drops every connection without a close frame. */
    @Override
    public void close() {
        synchronized (peers) { // no handshake completes between this and the drops (see Peer#serve)
            try {
                server.close();
            } catch (IOException e) {
                // closing a listening socket does not fail in practice
            }
        }
        peers.forEach(Peer::drop);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Peer peer = new Peer(socket, tls == null ? socket : tls.over(socket));
                peers.add(peer);
                if (server.isClosed()) {
                    peer.drop(); // accepted as close() ran: it may have missed this one
                    return;
                }
                Thread thread = new Thread(peer::serve, "testkit-ws-peer-" + socket.getPort());
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** One client connection, from the server's side. Thread-safe: frames are written whole, one at a time. */
    public final class Peer {

        private final Socket tcp;
        private final Socket socket;
        private final Object writeLock = new Object();
        private final List<String> pings = new CopyOnWriteArrayList<>();
        private final List<String> pongs = new CopyOnWriteArrayList<>();
        private final CountDownLatch gone = new CountDownLatch(1);
        private volatile boolean open;
        private volatile boolean closeSent;
        private volatile int closeCode = -1;
        private volatile String closeReason;
        private volatile String path;
        private volatile Map<String, String> headers = Map.of();

        private Peer(Socket tcp, Socket socket) {
            this.tcp = tcp;
            this.socket = socket;
        }

        private void serve() {
            try {
                if (socket instanceof SSLSocket secure && !handshakeTls(secure)) {
                    return;
                }
                InputStream in = socket.getInputStream();
                if (!handshake(in)) {
                    return;
                }
                // A client whose handshake was still on its way when close() ran is dropped, not counted: after
                // close() returns the server takes no new connection.
                synchronized (peers) {
                    if (server.isClosed() || gone.getCount() == 0) {
                        return;
                    }
                    open = true;
                    connections.incrementAndGet();
                    connected.add(this);
                }
                readFrames(in);
            } catch (IOException e) {
                // the client went away or the test dropped the connection
            } finally {
                drop();
            }
        }

        /** A failed TLS handshake leaves the TCP connection to the client to close (at most {@code LINGER}). */
        private boolean handshakeTls(SSLSocket secure) {
            try {
                secure.startHandshake();
                return true;
            } catch (IOException refused) {
                try {
                    tcp.setSoTimeout((int) LINGER.toMillis());
                    InputStream in = tcp.getInputStream();
                    while (in.read() >= 0) {
                        // the rest of what the client sends before it closes
                    }
                } catch (IOException closedOrSilent) {
                    // the client closed, reset, or stayed silent for LINGER
                }
                return false;
            }
        }

        private boolean handshake(InputStream in) throws IOException {
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return false;
            }
            requests.add(head.get(0));
            String[] requestLine = head.get(0).split(" ");
            path = requestLine.length > 1 ? requestLine[1] : "";
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : head.subList(1, head.size())) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
            }
            headers = Map.copyOf(fields);
            if (!answerHandshakes) {
                awaitGone(); // keep the socket open and silent until the test or the client closes it
                return false;
            }
            OutputStream out = socket.getOutputStream();
            int refusal = rejectStatus;
            if (refusal != 0) {
                StringBuilder answer = new StringBuilder("HTTP/1.1 " + refusal + " Rejected\r\n");
                rejectHeaders.forEach((k, v) -> answer.append(k).append(": ").append(v).append("\r\n"));
                answer.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
                out.write(answer.toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return false;
            }
            String accept = Base64.getEncoder().encodeToString(sha1(fields.get("sec-websocket-key") + GUID));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        }

        private void readFrames(InputStream in) throws IOException {
            while (true) {
                int b0 = readByte(in);
                int b1 = readByte(in);
                int opcode = b0 & 0x0F;
                long length = b1 & 0x7F;
                if (length == 126) {
                    length = (readByte(in) << 8) | readByte(in);
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | readByte(in);
                    }
                }
                byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
                byte[] payload = in.readNBytes((int) length);
                if (payload.length < length) {
                    throw new EOFException();
                }
                if (mask != null) {
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= mask[i % 4];
                    }
                }
                switch (opcode) {
                    case PING -> {
                        pings.add(new String(payload, StandardCharsets.UTF_8));
                        if (answerPings) {
                            send(PONG, payload, true);
                        }
                    }
                    case PONG -> pongs.add(new String(payload, StandardCharsets.UTF_8));
                    case CLOSE -> {
                        closeCode = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                        closeReason = payload.length > 2
                                ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                        if (!closeSent) {
                            send(CLOSE, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0], true);
                        }
                        return;
                    }
                    default -> {
                        // data frames from a client are not what these tests look at
                    }
                }
            }
        }

        /** The path and query the client asked for in its handshake, e.g. {@code /events?token=x}. */
        public String path() {
            return path;
        }

        /** The headers of the client's handshake, names in lower case (the last value of a repeated name). */
        public Map<String, String> headers() {
            return headers;
        }

        /** Sends one text frame. */
        public void sendText(String text) throws IOException {
            send(TEXT, text.getBytes(StandardCharsets.UTF_8), true);
        }

        /**
         * Sends a text message split into {@code fragments} frames (RFC 6455 section 5.4), cut between bytes,
         * so a fragment may end inside a UTF-8 character as on the wire.
         */
        public void sendFragmented(String text, int fragments) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            int step = Math.max(1, (bytes.length + fragments - 1) / Math.max(1, fragments));
            synchronized (writeLock) { // no other frame between the fragments of one message
                for (int start = 0, i = 0; start < bytes.length; start += step, i++) {
                    int end = Math.min(bytes.length, start + step);
                    send(i == 0 ? TEXT : CONTINUATION, Arrays.copyOfRange(bytes, start, end), end == bytes.length);
                }
            }
        }

        /** Sends one binary frame. */
        public void sendBinary(byte[] bytes) throws IOException {
            send(BINARY, bytes, true);
        }

        /** Sends a ping; the client's pong shows in {@link #pongs()}. */
        public void sendPing(byte[] payload) throws IOException {
            send(PING, payload, true);
        }

        /**
         * Sends a close frame with this code (e.g. {@code 1001} going away, {@code 1011} server error) and
         * reason, as a server closing cleanly does; the client's answering close (see {@link #closeCode()}) ends
         * the connection.
         */
        public void close(int code, String reason) throws IOException {
            closeSent = true;
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            ByteBuffer payload = ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text);
            send(CLOSE, payload.array(), true);
        }

        /**
         * Sends one frame as given, unmasked as a server's frames are: for frames the other methods do not make
         * (a reserved opcode, a lone continuation, an unfinished message).
         */
        public void send(int opcode, byte[] payload, boolean fin) throws IOException {
            ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 10);
            frame.write((fin ? 0x80 : 0) | opcode);
            if (payload.length < 126) {
                frame.write(payload.length);
            } else if (payload.length < 65536) {
                frame.write(126);
                frame.write(payload.length >>> 8);
                frame.write(payload.length & 0xFF);
            } else {
                frame.write(127);
                frame.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
            }
            frame.writeBytes(payload);
            synchronized (writeLock) {
                OutputStream out = socket.getOutputStream();
                out.write(frame.toByteArray());
                out.flush();
            }
        }

        /** Plays a script to this client: its steps in order, on the calling thread. */
        public void play(Script script) throws IOException {
            for (Script.Step step : script.steps) {
                step.playTo(this);
            }
        }

        /** Drops the TCP connection without a close frame, as a crashed relay or a cut cable does. */
        public void drop() {
            open = false;
            // the TCP socket first: closing a TLS socket whose peer is still there waits for its close_notify
            // (seen hanging WebSocketTlsTest's teardown); the TLS layer then fails at once, and does not close tcp
            closeQuietly(tcp);
            closeQuietly(socket);
            gone.countDown();
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }

        /** Whether the connection is open: handshake completed, neither closed nor dropped yet. */
        public boolean isOpen() {
            return open && gone.getCount() > 0;
        }

        /** Waits until the connection is gone (closed by the client, after a close frame, or dropped). */
        public boolean awaitGone(Duration timeout) throws InterruptedException {
            return gone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void awaitGone() {
            try {
                gone.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The payloads (UTF-8) of the pings the client sent, oldest first. */
        public List<String> pings() {
            return new ArrayList<>(pings);
        }

        /** The payloads (UTF-8) of the pongs the client sent, oldest first. */
        public List<String> pongs() {
            return new ArrayList<>(pongs);
        }

        /** The code of the close frame the client sent ({@code 1005} if it had none); -1 if it sent none. */
        public int closeCode() {
            return closeCode;
        }

        /** The reason of the close frame the client sent, or null if it sent none. */
        public String closeReason() {
            return closeReason;
        }
    }

    /**
     * What a relay sends to one client, step by step: text, fragmented, binary and ping frames, then maybe a
     * close frame or a dropped connection. Immutable: each method returns a longer script, so one script can be
     * played to several clients with {@link Peer#play}.
     */
    public static final class Script {

        private static final Script EMPTY = new Script(List.of());

        private final List<Step> steps;

        private Script(List<Step> steps) {
            this.steps = steps;
        }

        /** The empty script. */
        public static Script of() {
            return EMPTY;
        }

        /** Then one text frame. */
        public Script text(String text) {
            return then(peer -> peer.sendText(text));
        }

        /** Then one text frame for each of these texts, in order (e.g. the lines of a fixture). */
        public Script texts(Collection<String> texts) {
            List<String> copy = List.copyOf(texts);
            return then(peer -> {
                for (String text : copy) {
                    peer.sendText(text);
                }
            });
        }

        /** Then a text message in {@code fragments} frames (see {@link Peer#sendFragmented}). */
        public Script fragmented(String text, int fragments) {
            return then(peer -> peer.sendFragmented(text, fragments));
        }

        /** Then one binary frame. */
        public Script binary(byte[] bytes) {
            byte[] copy = bytes.clone();
            return then(peer -> peer.sendBinary(copy));
        }

        /** Then a ping. */
        public Script ping(byte[] payload) {
            byte[] copy = payload.clone();
            return then(peer -> peer.sendPing(copy));
        }

        /** Then one frame as given (see {@link Peer#send}). */
        public Script frame(int opcode, byte[] payload, boolean fin) {
            byte[] copy = payload.clone();
            return then(peer -> peer.send(opcode, copy, fin));
        }

        /** Then a close frame with this code and reason. */
        public Script close(int code, String reason) {
            return then(peer -> peer.close(code, reason));
        }

        /** Then the TCP connection is dropped without a close frame. */
        public Script drop() {
            return then(Peer::drop);
        }

        private Script then(Step step) {
            List<Step> longer = new ArrayList<>(steps);
            longer.add(step);
            return new Script(List.copyOf(longer));
        }

        /** One step of a script. */
        @FunctionalInterface
        private interface Step {
            void playTo(Peer peer) throws IOException;
        }
    }

    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
                    if (text.isEmpty()) {
                        return lines;
                    }
                    lines.add(text);
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        } catch (SocketException e) {
            // the client gave up before sending its request
        }
        return List.of();
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    private static byte[] sha1(String text) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
