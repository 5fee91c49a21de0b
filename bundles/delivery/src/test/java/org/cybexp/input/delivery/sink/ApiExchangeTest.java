package org.cybexp.input.delivery.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.cybexp.input.api.Secret;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.StoredEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sink's own HTTP/1.1 exchange against a plain loopback server that answers each request with the next
 * scripted answer, byte for byte: framing, keep-alive decisions, interim answers and the bounds of the head.
 */
class ApiExchangeTest {

    private static final String TOKEN = "tok-3xchange";
    private static final StoredEvent EVENT = new StoredEvent(1,
            EventRecord.of("main", "org1", "phishtank", "UTC", "application/json", "{\"a\":1}".getBytes()));
    private static final String OK_JSON = "{\"message\": \"Data posted successfully\"}";
    /** An answer the server writes, then closes the connection. */
    private static final String CLOSE = "<close>";

    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();

    ApiExchangeTest() throws IOException {
        Thread acceptor = new Thread(this::serve, "test-scripted-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void keepAliveCarriesSeveralPostsOverOneConnection() throws Exception {
        for (int i = 0; i < 5; i++) {
            answers.add(ok("HTTP/1.1 201 CREATED"));
        }
        try (ApiSink sink = sink()) {
            for (int i = 0; i < 5; i++) {
                SinkAnswer answer = sink.deliver(EVENT);
                assertEquals(201, answer.status());
                assertEquals("Data posted successfully", answer.message());
            }
        }
        assertEquals(1, connections.get());
        String head = requestHeads.get(0);
        assertTrue(head.startsWith("POST /api/v1.0/raw HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nAuthorization: Bearer " + TOKEN + "\r\n"), head);
        assertTrue(head.contains("\r\nContent-Type: multipart/form-data; boundary="), head);
        assertTrue(head.contains("\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n"), head);
    }

    @Test
    void aChunkedAnswerWithExtensionsAndTrailersIsReadAndTheConnectionKept() throws Exception {
        String body = OK_JSON;
        answers.add("HTTP/1.1 201 CREATED\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(10) + ";name=value\r\n" + body.substring(0, 10) + "\r\n"
                + Integer.toHexString(body.length() - 10) + " ; x=\"y\"\r\n" + body.substring(10) + "\r\n"
                + "0\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n");
        answers.add(ok("HTTP/1.1 201 CREATED"));
        try (ApiSink sink = sink()) {
            assertEquals("Data posted successfully", sink.deliver(EVENT).message());
            assertEquals(201, sink.deliver(EVENT).status());
        }
        assertEquals(1, connections.get(), "the connection carried the second post");
    }

    @Test
    void connectionCloseIsNotReused() throws Exception {
        answers.add("HTTP/1.1 201 CREATED\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}");
        answers.add(ok("HTTP/1.1 201 CREATED"));
        try (ApiSink sink = sink()) {
            assertEquals(201, sink.deliver(EVENT).status());
            assertEquals(201, sink.deliver(EVENT).status());
        }
        assertEquals(2, connections.get());
    }

    @Test
    void http10IsReusedOnlyWithKeepAlive() throws Exception {
        answers.add("HTTP/1.0 201 CREATED\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n{}");
        answers.add("HTTP/1.0 201 CREATED\r\nContent-Length: 2\r\n\r\n{}");
        answers.add(ok("HTTP/1.1 201 CREATED"));
        try (ApiSink sink = sink()) {
            for (int i = 0; i < 3; i++) {
                assertEquals(201, sink.deliver(EVENT).status());
            }
        }
        assertEquals(2, connections.get(), "kept after the keep-alive answer, not after the plain 1.0 one");
    }

    @Test
    void anAnswerWithoutLengthIsReadToTheCloseAndTheConnectionNotReused() throws Exception {
        answers.add("HTTP/1.1 201 CREATED\r\n\r\n" + OK_JSON + CLOSE);
        answers.add(ok("HTTP/1.1 201 CREATED"));
        try (ApiSink sink = sink()) {
            assertEquals("Data posted successfully", sink.deliver(EVENT).message());
            assertEquals(201, sink.deliver(EVENT).status());
        }
        assertEquals(2, connections.get());
    }

    @Test
    void interimAnswersAreSkipped() throws Exception {
        answers.add("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + ok("HTTP/1.1 201 CREATED"));
        answers.add(ok("HTTP/1.1 201 CREATED"));
        try (ApiSink sink = sink()) {
            assertEquals("Data posted successfully", sink.deliver(EVENT).message());
            assertEquals(201, sink.deliver(EVENT).status());
        }
        assertEquals(1, connections.get());
    }

    @Test
    void retryAfterAndTheReasonComeWithARefusal() throws Exception {
        answers.add("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n");
        try (ApiSink sink = sink()) {
            SinkAnswer answer = sink.deliver(EVENT);
            assertEquals(503, answer.status());
            assertEquals("Service Unavailable", answer.message());
            assertEquals(Duration.ofSeconds(7), answer.retryAfter());
        }
    }

    @Test
    void anOversizedHeaderBlockFailsClearly() throws Exception {
        StringBuilder head = new StringBuilder("HTTP/1.1 201 CREATED\r\n");
        while (head.length() <= HttpAnswer.HEAD_LIMIT) {
            head.append("X-Filler: ").append("x".repeat(1000)).append("\r\n");
        }
        answers.add(head + "Content-Length: 0\r\n\r\n");
        try (ApiSink sink = sink()) {
            IOException e = assertThrows(IOException.class, () -> sink.deliver(EVENT));
            assertTrue(e.getMessage().contains("head longer than"), e.getMessage());
        }
    }

    @Test
    void tooManyHeaderFieldsFailClearly() throws Exception {
        answers.add("HTTP/1.1 201 CREATED\r\n" + "X-A: 1\r\n".repeat(HttpAnswer.HEADER_LIMIT + 1)
                + "Content-Length: 0\r\n\r\n");
        try (ApiSink sink = sink()) {
            IOException e = assertThrows(IOException.class, () -> sink.deliver(EVENT));
            assertTrue(e.getMessage().contains("header fields"), e.getMessage());
        }
    }

    @Test
    void aTruncatedBodyFailsThePostAndTheNextOneTakesANewConnection() throws Exception {
        answers.add("HTTP/1.1 201 CREATED\r\nContent-Length: 100\r\n\r\n{\"message\"" + CLOSE);
        answers.add(ok("HTTP/1.1 201 CREATED"));
        try (ApiSink sink = sink()) {
            IOException e = assertThrows(IOException.class, () -> sink.deliver(EVENT));
            assertTrue(e.getMessage().contains("cut short"), e.getMessage());
            assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
            assertEquals(201, sink.deliver(EVENT).status());
        }
        assertEquals(2, connections.get());
    }

    @Test
    void aBodyBeyondTheLimitIsCutAndTheConnectionNotReused() throws Exception {
        answers.add("HTTP/1.1 400 BAD REQUEST\r\nContent-Length: 70000\r\n\r\n" + "x".repeat(70000));
        answers.add(ok("HTTP/1.1 201 CREATED"));
        try (ApiSink sink = sink()) {
            SinkAnswer answer = sink.deliver(EVENT);
            assertEquals(400, answer.status());
            assertEquals(500, answer.message().length(), "the message is the body's start");
            assertEquals(201, sink.deliver(EVENT).status());
        }
        assertEquals(2, connections.get());
    }

    @Test
    void aMalformedStatusLineFailsWithoutTheToken() throws Exception {
        answers.add("HTTP/2 201 CREATED " + TOKEN + "\r\n\r\n");
        try (ApiSink sink = sink()) {
            IOException e = assertThrows(IOException.class, () -> sink.deliver(EVENT));
            assertTrue(e.getMessage().contains("status line"), e.getMessage());
            assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        }
    }

    private static String ok(String statusLine) {
        return statusLine + "\r\nContent-Type: application/json\r\nContent-Length: " + OK_JSON.length() + "\r\n\r\n"
                + OK_JSON;
    }

    private ApiSink sink() throws Exception {
        return ApiSink.create(new ApiEndpoint(URI.create("http://127.0.0.1:" + server.getLocalPort()
                + "/api/v1.0/raw"), Secret.of(TOKEN), Duration.ofSeconds(5), 1, true, null), Clock.systemUTC(),
                Duration.ofHours(1));
    }

    /** One connection at a time: each request read whole, then answered with the next scripted answer. */
    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                connections.incrementAndGet();
                InputStream in = new BufferedInputStream(socket.getInputStream());
                while (readRequest(in)) {
                    String answer = answers.poll(10, TimeUnit.SECONDS);
                    if (answer == null) {
                        break;
                    }
                    boolean close = answer.endsWith(CLOSE);
                    String bytes = close ? answer.substring(0, answer.length() - CLOSE.length()) : answer;
                    socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().flush();
                    if (close || answer.contains("Connection: close")
                            || answer.startsWith("HTTP/1.0") && !answer.contains("keep-alive")) {
                        break;
                    }
                }
            } catch (IOException e) {
                // closed by the test, or a client gone: next connection
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** @return false when the client closed the connection */
    private boolean readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        long length = 0;
        for (String line; !(line = readLine(in)).isEmpty();) {
            if (line.equals("\u0000eof")) {
                return false;
            }
            head.append(line).append("\r\n");
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        requestHeads.add(head.toString());
        in.readNBytes((int) length);
        return true;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return b < 0 && line.size() == 0 ? "\u0000eof" : line.toString(StandardCharsets.US_ASCII);
    }
}
