package org.cybexp.input.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kit's websocket server against the JDK's own websocket client, an independent RFC 6455 implementation. */
class LoopbackWebSocketServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newHttpClient();
    private LoopbackWebSocketServer server;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackWebSocketServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** What the client received, one string per message or event, in order. */
    private static final class Received implements WebSocket.Listener {

        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private int textFrames;

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            textFrames++;
            if (last) {
                events.add("text(" + textFrames + " frames): " + text);
                text.setLength(0);
                textFrames = 0;
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            events.add("binary: " + data.remaining() + " bytes");
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket socket, ByteBuffer message) {
            events.add("ping: " + StandardCharsets.UTF_8.decode(message));
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket socket, ByteBuffer message) {
            events.add("pong: " + StandardCharsets.UTF_8.decode(message));
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            events.add("close: " + code + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            events.add("error: " + error.getClass().getSimpleName());
        }

        String next() throws InterruptedException {
            String event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                throw new AssertionError("nothing received within " + WAIT);
            }
            return event;
        }
    }

    private WebSocket connect(String path, Received listener) throws Exception {
        return http.newWebSocketBuilder().header("X-Relay-Token", "t0k3n").buildAsync(server.uri(path), listener)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aScriptArrivesFrameByFrameAndTheClientsPingIsAnswered() throws Exception {
        Received received = new Received();
        WebSocket client = connect("/events?stream=cowrie", received);
        LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);

        assertEquals("/events?stream=cowrie", peer.path());
        assertEquals("t0k3n", peer.headers().get("x-relay-token"));
        assertEquals(List.of("GET /events?stream=cowrie HTTP/1.1"), server.requests());
        peer.play(LoopbackWebSocketServer.Script.of().text("{\"a\":1}").texts(List.of("{\"b\":2}", "{\"c\":3}"))
                .fragmented("{\"eventid\":\"cowrie.session.closed\"}", 3).binary(new byte[] {1, 2, 3})
                .ping("keepalive".getBytes(StandardCharsets.UTF_8)));
        client.request(1);

        assertEquals("text(1 frames): {\"a\":1}", received.next());
        assertEquals("text(1 frames): {\"b\":2}", received.next());
        assertEquals("text(1 frames): {\"c\":3}", received.next());
        assertEquals("text(3 frames): {\"eventid\":\"cowrie.session.closed\"}", received.next());
        assertEquals("binary: 3 bytes", received.next());
        assertEquals("ping: keepalive", received.next());

        client.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
        assertEquals("pong: are you there", received.next());
        assertEquals(List.of("are you there"), peer.pings());
        assertEquals(1, server.connections());
        assertEquals(1, server.openConnections());
        client.abort();
    }

    @Test
    void aCloseFromTheServerIsAnsweredAndRecorded() throws Exception {
        Received received = new Received();
        WebSocket client = connect("/", received);
        LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);

        peer.play(LoopbackWebSocketServer.Script.of().close(1001, "going away"));
        client.request(1);
        assertEquals("close: 1001 going away", received.next());

        // the JDK's client answers a close by itself, with the same code
        assertTrue(peer.awaitGone(WAIT));
        assertEquals(1001, peer.closeCode());
        assertEquals("", peer.closeReason());
        assertFalse(peer.isOpen());
        assertEquals(0, server.openConnections());
    }

    @Test
    void aCloseFromTheClientIsAnsweredWithItsCode() throws Exception {
        Received received = new Received();
        WebSocket client = connect("/", received);
        LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
        client.request(1);

        client.sendClose(1000, "done").get(10, TimeUnit.SECONDS);

        assertEquals("close: 1000 ", received.next());
        assertTrue(peer.awaitGone(WAIT));
        assertEquals(1000, peer.closeCode());
        assertEquals("done", peer.closeReason());
    }

    @Test
    void theHandshakeFollowsRfc6455AndADroppedConnectionEndsWithoutACloseFrame() throws Exception {
        // a raw TCP client: the JDK's client sometimes misses an end of stream that follows a message
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            client.getOutputStream().write(("GET /raw HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
            peer.play(LoopbackWebSocketServer.Script.of().text("{}").drop());

            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            String head = answer.substring(0, answer.indexOf("\r\n\r\n") + 4);
            assertTrue(head.startsWith("HTTP/1.1 101 "), head);
            // the example of RFC 6455 section 1.3
            assertTrue(head.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head.replace("\r\n", "|"));
            assertEquals("\u0081\u0002{}", answer.substring(head.length()), "one unmasked text frame, no close frame");
            assertTrue(peer.awaitGone(WAIT));
            assertEquals(-1, peer.closeCode());
            assertEquals(0, server.openConnections());
            assertEquals(1, server.connections());
        }
    }

    @Test
    void aRefusedHandshakeGetsItsStatusUntilHandshakesAreAcceptedAgain() throws Exception {
        server.rejectWith(503, Map.of("Retry-After", "7"));
        ExecutionException refused = assertThrows(ExecutionException.class, () -> connect("/", new Received()));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class,
                refused.getCause());
        assertEquals(503, handshake.getResponse().statusCode());
        assertEquals("7", handshake.getResponse().headers().firstValue("retry-after").orElseThrow());
        assertEquals(0, server.connections());

        server.acceptHandshakes();
        WebSocket client = connect("/", new Received());
        server.awaitClient(WAIT);
        assertEquals(1, server.connections());
        assertEquals(2, server.requests().size());
        client.abort();
    }

    @Test
    void aSilentServerNeverCompletesTheHandshake() throws Exception {
        server.answerHandshakes(false);
        CompletableFuture<WebSocket> opening = http.newWebSocketBuilder().buildAsync(server.uri("/"), new Received());

        assertThrows(AssertionError.class, () -> server.awaitClient(Duration.ofMillis(500)));
        assertFalse(opening.isDone(), "the client still waits for the answer to its handshake");
        assertEquals(0, server.connections());
        opening.cancel(true);
    }

    @Test
    void eachClientIsReturnedOnceInTheOrderItConnectedAndCloseDropsThemAll() throws Exception {
        Received first = new Received();
        Received second = new Received();
        connect("/one", first).request(5);
        LoopbackWebSocketServer.Peer one = server.awaitClient(WAIT);
        connect("/two", second).request(5);
        LoopbackWebSocketServer.Peer two = server.awaitClient(WAIT);
        LoopbackWebSocketServer.Script hello = LoopbackWebSocketServer.Script.of().text("hello");
        one.play(hello);
        two.play(hello);

        assertEquals("/one", one.path());
        assertEquals("/two", two.path());
        assertEquals("text(1 frames): hello", first.next());
        assertEquals("text(1 frames): hello", second.next());
        assertEquals(2, server.openConnections());
        assertEquals(2, server.connections());
        server.close();
        assertTrue(one.awaitGone(WAIT));
        assertTrue(two.awaitGone(WAIT));
        assertEquals(0, server.openConnections());
        // Counted once closed: before, a test of another build on the machine may have connected to the port it
        // once had and that this server was given (seen as a third connection under load).
        int closedWith = server.connections();
        // The freed port may be taken by another process's server at once: what counts is that this one takes
        // no new client, whatever the attempt meets.
        try {
            connect("/three", new Received());
        } catch (ExecutionException | TimeoutException nothingListens) {
            // the usual outcome
        }
        assertEquals(closedWith, server.connections(), "a closed server takes no new client");
    }

    @Test
    void aFailedTlsHandshakeLeavesTheConnectionForTheClientToClose() throws Exception {
        javax.net.ssl.SSLContext noCertificate = javax.net.ssl.SSLContext.getInstance("TLS");
        noCertificate.init(null, null, null); // every handshake fails on the server's side
        LoopbackWebSocketServer tls = LoopbackWebSocketServer.startTls(noCertificate, false);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), tls.port())) {
            client.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.setSoTimeout(500);
            // whatever alert the server sends, it does not close the connection first: the read times out
            assertThrows(java.net.SocketTimeoutException.class, () -> {
                while (client.getInputStream().read() >= 0) {
                    // the server's alert, if any
                }
            });
            assertEquals(0, tls.connections());
        } finally {
            tls.close();
        }
    }
}
