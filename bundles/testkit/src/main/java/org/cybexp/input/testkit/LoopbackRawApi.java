package org.cybexp.input.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A CYBEX-P {@code /raw} endpoint on 127.0.0.1 for tests and benchmarks. It checks each request as the API does
 * (bearer token; multipart/form-data with exactly the parts {@code name}, {@code orgid}, {@code typetag}, optional
 * {@code timezone} and the {@code file} last, see FORMATS.md), records every record it accepts, and injects the
 * faults a real API and network show:
 * <ul>
 * <li>{@link #down()} / {@link #up()}: the port is closed (connections refused, open ones dropped) and opened
 * again on the same port;</li>
 * <li>{@link #failNext}: a burst of 500/503/429 answers, with a {@code Retry-After} if wanted;</li>
 * <li>{@link #resetNext}: the connection is reset (TCP RST) in the middle of the request body, nothing kept;</li>
 * <li>{@link #slowNext}: the record is kept, but the answer comes only after a delay, past a client's timeout
 * (the client's retry is then a duplicate, as with a real slow API);</li>
 * <li>{@link #refuse}: chosen records are refused for good with 400 "Invalid input".</li>
 * </ul>
 * Scripted faults apply to the next requests in arrival order; {@link #latency} slows every request down. It is a plain HTTP/1.1 server on a
 * {@link ServerSocket} (keep-alive, {@code Content-Length} or chunked bodies) so that it can reset connections
 * and close its port, which the JDK's HTTP server cannot; and it needs nothing but {@code java.base}, so it also
 * runs inside an OSGi framework. Every request is logged with monotonic timestamps ({@link #exchanges()}), so a
 * test can measure for instance that no request came before a {@code Retry-After} ended.
 *
 * @since 1.1
 */
public class LoopbackRawApi implements AutoCloseable {

    /** The path of the endpoint, as CYBEX-P serves it. */
    public static final String PATH = "/api/v1.0/raw";

    private static final Set<String> FIELDS = Set.of("name", "orgid", "typetag", "timezone");
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final long HOLD_LIMIT_SECONDS = 10;

    /** One part of a multipart form: {@code filename} and {@code contentType} are null when absent. */
    public record Part(String name, String filename, String contentType, byte[] body) {

        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** One request's form as received, with its {@code Authorization} and {@code Content-Type} headers. */
    public record Post(String authorization, String contentType, List<Part> parts) {

        public Post {
            parts = List.copyOf(parts);
        }

        /** The part names in the order they came. */
        public List<String> partNames() {
            return parts.stream().map(Part::name).toList();
        }

        /** The first part of that name. @throws NoSuchElementException if there is none */
        public Part part(String name) {
            return parts.stream().filter(p -> name.equals(p.name())).findFirst()
                    .orElseThrow(() -> new NoSuchElementException("no part " + name + " in " + partNames()));
        }

        /** The text parts (all but {@code file}) by name. */
        public Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            parts.stream().filter(p -> !"file".equals(p.name())).forEach(p -> fields.putIfAbsent(p.name(), p.text()));
            return fields;
        }

        /** The bytes of the {@code file} part, or null if there is none. */
        public byte[] file() {
            return parts.stream().filter(p -> "file".equals(p.name())).findFirst().map(Part::body).orElse(null);
        }

        /** The {@code file} part as UTF-8 text. */
        public String fileText() {
            return new String(file(), StandardCharsets.UTF_8);
        }
    }

    /** What the server did with a request. */
    public enum Outcome {
        /** Kept and answered 201 (maybe late: {@link #slowNext}). */
        ACCEPTED,
        /** Answered 400: a malformed form, or a record chosen by {@link #refuse}. */
        REFUSED,
        /** Answered 401: no or a wrong bearer token. */
        UNAUTHORIZED,
        /** Answered a scripted status ({@link #failNext}, {@link #answerNext}); nothing kept. */
        FAILED,
        /** The connection was reset in the middle of the request; nothing kept. */
        RESET
    }

    /**
     * One request and what became of it.
     *
     * @param receivedNanos {@link System#nanoTime} when its head had arrived
     * @param answeredNanos {@link System#nanoTime} just before the answer (or the reset) was sent
     * @param post the form, or null if it was not read (reset) or could not be parsed
     * @param status the status answered, 0 for a reset
     */
    public record Exchange(long receivedNanos, long answeredNanos, Post post, int status, Outcome outcome) {
    }

    private sealed interface Fault permits Answer, Reset, Slow, Pass {
    }

    private record Pass() implements Fault {
    }

    private record Answer(int status, String body, String retryAfter) implements Fault {
    }

    private record Reset() implements Fault {
    }

    private record Slow(Duration delay) implements Fault {
    }

    /** An HTTP request head and where its body is. */
    private record Head(String method, String path, Map<String, String> headers, long receivedNanos) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        boolean chunked() {
            String encoding = header("transfer-encoding");
            return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
        }

        long contentLength() {
            String length = header("content-length");
            return length == null ? 0 : Long.parseLong(length.trim());
        }
    }

    private final String token;
    private final int port;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "loopback-raw-api");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final List<Post> requests = new CopyOnWriteArrayList<>();
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final List<Post> refusedPosts = new CopyOnWriteArrayList<>();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private volatile Predicate<Post> refusing = post -> false;
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private volatile boolean keeping = true;
    private volatile Duration latency = Duration.ZERO;
    private volatile boolean closed;
    private ServerSocket listener; // guarded by this
    private Future<?> acceptor; // guarded by this

    /** Starts on a free port, accepting any bearer token. */
    public LoopbackRawApi() throws IOException {
        this(null);
    }

    /**
     * Starts on a free port.
     *
     * @param token the only bearer token accepted (others get 401), or null to accept any
     */
    public LoopbackRawApi(String token) throws IOException {
        this.token = token;
        this.port = listen(0);
    }

    /** The endpoint's URL, e.g. {@code http://127.0.0.1:41234/api/v1.0/raw}. */
    public String url() {
        return "http://127.0.0.1:" + port + PATH;
    }

    public int port() {
        return port;
    }

    // ---- faults

    /** Answers the next {@code count} requests with {@code status} (e.g. 500, 503, 429), keeping nothing. */
    public LoopbackRawApi failNext(int count, int status, String retryAfter) {
        for (int i = 0; i < count; i++) {
            faults.add(new Answer(status, "{\"message\": \"" + reason(status) + "\"}", retryAfter));
        }
        return this;
    }

    /** Answers the next request with this status, body and {@code Retry-After} (null for none), keeping nothing. */
    public LoopbackRawApi answerNext(int status, String body, String retryAfter) {
        faults.add(new Answer(status, body, retryAfter));
        return this;
    }

    /** Resets the connection (TCP RST) of the next {@code count} requests after half of the body came. */
    public LoopbackRawApi resetNext(int count) {
        for (int i = 0; i < count; i++) {
            faults.add(new Reset());
        }
        return this;
    }

    /** Keeps the next {@code count} records but answers each only after {@code delay}. */
    public LoopbackRawApi slowNext(int count, Duration delay) {
        for (int i = 0; i < count; i++) {
            faults.add(new Slow(delay));
        }
        return this;
    }

    /** Handles the next {@code count} requests normally: a gap between scripted faults. */
    public LoopbackRawApi passNext(int count) {
        for (int i = 0; i < count; i++) {
            faults.add(new Pass());
        }
        return this;
    }

    /** How many scripted faults (and {@link #passNext passes}) have not happened yet. */
    public int faultsPending() {
        return faults.size();
    }

    /**
     * Refuses for good, with 400 {@code Invalid input: typetag}, the records that match.
     *
     * @param which the records to refuse, or null to accept every well-formed one again
     */
    public void refuse(Predicate<Post> which) {
        refusing = which == null ? post -> false : which;
    }

    /** Every answer waits until {@code release} is counted down (at most 10 s). */
    public void holdAnswersUntil(CountDownLatch release) {
        hold = release;
    }

    /** Closes the port and drops every open connection: clients get "connection refused" until {@link #up}. */
    public synchronized void down() throws IOException {
        if (listener != null) {
            listener.close();
            listener = null;
            awaitAcceptorEnd();
        }
        for (Socket connection : connections) {
            reset(connection);
        }
    }

    /**
     * A thread blocked in accept() keeps the listening socket alive in the kernel until it is woken: a connection
     * may still be taken meanwhile. Only once the thread ended is the port really closed.
     */
    private void awaitAcceptorEnd() throws IOException {
        try {
            acceptor.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while closing the port", e);
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            throw new IOException("the accepting thread did not end", e);
        }
    }

    /** Listens again on the same port. */
    public synchronized void up() throws IOException {
        if (listener == null && !closed) {
            listen(port);
        }
    }

    public synchronized boolean isDown() {
        return listener == null;
    }

    /**
     * Every request from now on takes this long before it is judged and its record kept, as an API busy storing
     * files does; unlike {@link #slowNext} the answer follows at once, so a client that waits gets it.
     */
    public void latency(Duration perRequest) {
        latency = perRequest;
    }

    /**
     * Whether requests are kept ({@link #posts}, {@link #requests}, {@link #exchanges}...); a benchmark turns it
     * off, so that only {@link #acceptedCount} counts and memory stays flat.
     */
    public void keepRequests(boolean keep) {
        keeping = keep;
    }

    // ---- what came

    /** The records accepted (answered 201, maybe late), in arrival order; duplicates included. */
    public List<Post> posts() {
        return List.copyOf(posts);
    }

    /** How many records were accepted, duplicates included (counted also when not {@link #keepRequests kept}). */
    public long acceptedCount() {
        return accepted.get();
    }

    /** The records refused with 400 by {@link #refuse}, in arrival order. */
    public List<Post> refusedPosts() {
        return List.copyOf(refusedPosts);
    }

    /** Every request whose form was read, whatever it was answered, in arrival order. */
    public List<Post> requests() {
        return List.copyOf(requests);
    }

    /** Every request, with timestamps and what became of it, in arrival order. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** Every line of every accepted file, in arrival order. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        posts.forEach(p -> p.fileText().lines().forEach(out::add));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        hold.countDown();
        try {
            down();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }

    // ---- the server

    private synchronized int listen(int onPort) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true); // up() binds the port again while old connections linger in TIME_WAIT
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 128);
        listener = socket;
        acceptor = threads.submit(() -> acceptAll(socket));
        return socket.getLocalPort();
    }

    private void acceptAll(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                if (socket.isClosed()) {
                    reset(connection); // taken while down() was closing the port
                    return;
                }
                connection.setTcpNoDelay(true);
                connections.add(connection);
                threads.execute(() -> serve(connection));
            } catch (IOException | RuntimeException e) {
                return; // closed by down() or close(); a rejected task means the server is closing
            }
        }
    }

    /** Answers the requests of one keep-alive connection until the client closes it or a fault ends it. */
    private void serve(Socket connection) {
        try (connection) {
            InputStream in = new BufferedInputStream(connection.getInputStream());
            OutputStream out = new BufferedOutputStream(connection.getOutputStream());
            Head head;
            while ((head = readHead(in)) != null) {
                if (!exchange(connection, head, in, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away, or down() dropped the connection
        } finally {
            connections.remove(connection);
        }
    }

    /** @return whether the connection stays open for another request */
    private boolean exchange(Socket connection, Head head, InputStream in, OutputStream out) throws IOException {
        if ("100-continue".equalsIgnoreCase(head.header("expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        if (!head.path().equals(PATH) || !head.method().equals("POST")) {
            readBody(head, in);
            int status = head.path().equals(PATH) ? 405 : 404;
            log(head, null, status, Outcome.REFUSED);
            return answer(out, head, status, "{\"message\": \"" + reason(status) + "\"}", null);
        }
        Fault fault = faults.poll();
        if (fault instanceof Reset) {
            readHalfBody(head, in);
            log(head, null, 0, Outcome.RESET);
            reset(connection);
            return false;
        }
        byte[] body = readBody(head, in);
        if (!latency.isZero()) {
            pause(latency.toMillis());
        }
        Post post = MultipartForm.parse(head.header("authorization"), head.header("content-type"), body);
        if (post != null && keeping) {
            requests.add(post);
        }
        if (fault instanceof Answer scripted) {
            log(head, post, scripted.status(), Outcome.FAILED);
            return answer(out, head, scripted.status(), scripted.body(), scripted.retryAfter());
        }
        String unauthorized = authorizationProblem(head.header("authorization"));
        if (unauthorized != null) {
            log(head, post, 401, Outcome.UNAUTHORIZED);
            return answer(out, head, 401, message(unauthorized), null);
        }
        String invalid = post == null ? "Invalid input" : formProblem(post);
        if (invalid == null && refusing.test(post)) {
            if (keeping) {
                refusedPosts.add(post);
            }
            invalid = "Invalid input: typetag";
        }
        if (invalid != null) {
            log(head, post, 400, Outcome.REFUSED);
            return answer(out, head, 400, message(invalid), null);
        }
        accepted.incrementAndGet();
        if (keeping) {
            posts.add(post);
        }
        if (fault instanceof Slow slow) {
            pause(slow.delay().toMillis());
        }
        log(head, post, 201, Outcome.ACCEPTED);
        return answer(out, head, 201, message("File uploaded successfully!"), null);
    }

    private String authorizationProblem(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return "Invalid/missing token in auth header!";
        }
        if (!authorization.startsWith("Bearer ")) {
            return "Token must be of type Bearer!";
        }
        if (token != null && !authorization.equals("Bearer " + token)) {
            return "Invalid/missing token in auth header!";
        }
        return null;
    }

    /** The API's answer to a form it cannot take, or null; stricter on one point: the file must come last. */
    private static String formProblem(Post post) {
        for (String name : post.partNames()) {
            if (!FIELDS.contains(name) && !"file".equals(name)) {
                return "Invalid input: " + name;
            }
        }
        for (String required : List.of("name", "orgid", "typetag")) {
            if (!post.partNames().contains(required)) {
                return "Invalid input: KeyError('" + required + "') '" + required + "'!";
            }
        }
        if (post.file() == null) {
            return "Invalid or missing file!";
        }
        List<String> names = post.partNames();
        if (!"file".equals(names.get(names.size() - 1))) {
            // the API would store the upload under the last part's name: a sink sending this is wrong
            return "Invalid input: file is not the last part";
        }
        return null;
    }

    private void log(Head head, Post post, int status, Outcome outcome) {
        if (!keeping) {
            return;
        }
        exchanges.add(new Exchange(head.receivedNanos(), System.nanoTime(), post, status, outcome));
    }

    private boolean answer(OutputStream out, Head head, int status, String body, String retryAfter)
            throws IOException {
        try {
            if (!hold.await(HOLD_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("answer held for more than " + HOLD_LIMIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("closed while holding an answer", e);
        }
        boolean keepAlive = !"close".equalsIgnoreCase(head.header("connection"));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder response = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\nContent-Type: application/json\r\nContent-Length: ").append(bytes.length);
        if (retryAfter != null) {
            response.append("\r\nRetry-After: ").append(retryAfter);
        }
        if (!keepAlive) {
            response.append("\r\nConnection: close");
        }
        out.write(response.append("\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
        return keepAlive;
    }

    private void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis); // the fault itself: an API that answers late, not a test waiting
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("closed while answering slowly", e);
        }
    }

    /** Reads a request head; null at the end of the stream between two requests. */
    private static Head readHead(InputStream in) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null) {
            return null;
        }
        if (requestLine.isEmpty()) { // a stray CRLF between requests is allowed
            return readHead(in);
        }
        long received;
        Map<String, String> headers = new LinkedHashMap<>();
        int total = requestLine.length();
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new IOException("connection closed inside a request head");
            }
            total += line.length();
            if (total > MAX_HEAD_BYTES) {
                throw new IOException("request head too long");
            }
            if (line.isEmpty()) {
                received = System.nanoTime();
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        String[] words = requestLine.split(" ");
        if (words.length < 3) {
            throw new IOException("not an HTTP request line: " + requestLine);
        }
        String path = words[1];
        int query = path.indexOf('?');
        return new Head(words[0], query < 0 ? path : path.substring(0, query), headers, received);
    }

    /** A CRLF- (or LF-) terminated ISO-8859-1 line without its end; null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
            if (line.length() > MAX_HEAD_BYTES) {
                throw new IOException("header line too long");
            }
        }
        if (line.length() > 0) {
            throw new IOException("connection closed inside a line");
        }
        return null;
    }

    private static byte[] readBody(Head head, InputStream in) throws IOException {
        if (head.chunked()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new IOException("connection closed inside a chunked body");
                }
                int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
                if (size == 0) {
                    while (true) { // trailers, up to the empty line
                        String trailer = readLine(in);
                        if (trailer == null || trailer.isEmpty()) {
                            return body.toByteArray();
                        }
                    }
                }
                body.write(readExactly(in, size));
                readLine(in); // the CRLF after the chunk
            }
        }
        return readExactly(in, Math.toIntExact(head.contentLength()));
    }

    /** Reads half of a body (at least one byte if there is any), so the client is in the middle of sending. */
    private static void readHalfBody(Head head, InputStream in) throws IOException {
        long length = head.chunked() ? 2 : head.contentLength();
        readExactly(in, (int) Math.min(Math.max(length / 2, Math.min(length, 1)), Integer.MAX_VALUE));
    }

    private static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new IOException("connection closed inside a body");
        }
        return bytes;
    }

    /** Closes with a TCP RST instead of a FIN: the client's next read fails with "connection reset". */
    private static void reset(Socket connection) {
        try {
            connection.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already closed
        }
        try {
            connection.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static String message(String text) {
        return "{\"message\": \"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    }

    private static String reason(int status) {
        return switch (status) {
            case 201 -> "Created";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }
}
