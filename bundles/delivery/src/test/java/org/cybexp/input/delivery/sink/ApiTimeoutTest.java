package org.cybexp.input.delivery.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.cybexp.input.api.Secret;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.StoredEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The API client's timeout, kept by a watchdog rather than the socket's read timeout: a server that never
 * answers, or trickles its answer a byte at a time (each read in time, the whole never), cannot hold a post past
 * it; the late connection is not reused, and the next post goes out on a new one.
 */
class ApiTimeoutTest {

    private static final String TOKEN = "tok-s1ow";
    private static final StoredEvent EVENT = new StoredEvent(1,
            EventRecord.of("main", "org1", "phishtank", "UTC", "application/json", "{}".getBytes()));
    private static final byte[] ANSWER = ("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
            + "Content-Length: 40\r\n\r\n{\"message\": \"Data posted successfully\"}\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final AtomicInteger connections = new AtomicInteger();

    ApiTimeoutTest() throws IOException {
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void aServerThatNeverAnswersFailsThePostAtTheTimeoutAndTheNextGoesOnANewConnection() throws Exception {
        serve(connection -> {
            if (connection == 1) {
                return null; // read the request, answer nothing, keep the connection open
            }
            return ANSWER;
        }, 0);
        try (ApiSink sink = ApiSink.create(endpoint(), Clock.systemUTC(), Duration.ofHours(1))) {
            SocketTimeoutException late = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(SocketTimeoutException.class, () -> sink.deliver(EVENT)));
            assertTrue(late.getMessage().contains("no answer from the API within 300 ms"), late.getMessage());
            assertFalse(late.getMessage().contains(TOKEN), late.getMessage());
            assertEquals(201, sink.deliver(EVENT).status());
            assertEquals(2, connections.get(), "the late connection was closed, not reused");
        }
    }

    @Test
    void aServerThatTricklesItsAnswerCannotHoldThePostPastTheTimeout() throws Exception {
        serve(connection -> ANSWER, 100); // a byte every 100 ms: 150 bytes take 15 s, each read comes in time
        try (ApiSink sink = ApiSink.create(endpoint(), Clock.systemUTC(), Duration.ofHours(1))) {
            assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(SocketTimeoutException.class, () -> sink.deliver(EVENT)));
        }
    }

    private ApiEndpoint endpoint() {
        return new ApiEndpoint(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/api/v1.0/raw"),
                Secret.of(TOKEN), Duration.ofMillis(300), 2, true, null);
    }

    /** What the server answers on its n-th connection (from 1), or null for nothing at all. */
    @FunctionalInterface
    private interface Answers {
        byte[] on(int connection);
    }

    /** Serves each connection on its own thread: reads a request head and its body, then answers. */
    private void serve(Answers answers, long pauseBetweenBytesMillis) {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    int number = connections.incrementAndGet();
                    Thread handler = new Thread(() -> handle(socket, answers.on(number), pauseBetweenBytesMillis));
                    handler.setDaemon(true);
                    handler.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "test-slow-api");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static void handle(Socket socket, byte[] answer, long pauseMillis) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                long length = readHead(in);
                if (length < 0) {
                    return;
                }
                in.readNBytes((int) length);
                if (answer == null) {
                    in.read(); // holds the connection until the client closes it
                    return;
                }
                for (byte b : answer) {
                    out.write(b);
                    out.flush();
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis); // the server's own pace, not a wait for a condition
                    }
                }
            }
        } catch (IOException | InterruptedException ended) {
            // the client closed the connection
        }
    }

    /** Reads a request head; @return its Content-Length, or -1 at the end of the stream. */
    private static long readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                for (String line : head.toString().split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        return Long.parseLong(line.substring(15).trim());
                    }
                }
                return 0;
            }
        }
        return -1;
    }
}
