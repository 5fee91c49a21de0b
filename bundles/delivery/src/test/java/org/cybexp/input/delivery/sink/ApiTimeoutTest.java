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
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.cybexp.input.api.Secret;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.StoredEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The API client's timeout is an idle timeout kept by a watchdog, not the socket's read timeout: a server that
 * never answers, or stops reading the request, cannot hold a post past it (the late connection is not reused);
 * an upload that keeps moving may take longer than the timeout in all.
 */
class ApiTimeoutTest {

    private static final String TOKEN = "tok-s1ow";
    private static final long TIMEOUT_MILLIS = 300;
    private static final byte[] ANSWER = ("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
            + "Content-Length: 40\r\n\r\n{\"message\": \"Data posted successfully\"}\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server = new ServerSocket();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong bodyBytesRead = new AtomicLong();
    private final CountDownLatch testEnded = new CountDownLatch(1);

    ApiTimeoutTest() throws IOException {
        server.setReceiveBufferSize(32 * 1024); // small, so a paced reader paces the upload
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() throws IOException {
        testEnded.countDown();
        server.close();
    }

    /** How the server reads a request's body before it answers, on its n-th connection (from 1). */
    private enum Reading {
        /** all of it, then answers at once */
        AT_ONCE,
        /** all of it, then no answer: the connection stays open */
        NO_ANSWER,
        /** 64 KiB every 2 ms (32 MB/s, so the kernel's buffers drain well within the timeout), then answers */
        PACED,
        /** 64 KiB, then nothing more: the client's write blocks */
        STOPS
    }

    @FunctionalInterface
    private interface Script {
        Reading on(int connection);
    }

    @Test
    void aServerThatNeverAnswersFailsThePostAtTheTimeoutAndTheNextGoesOnANewConnection() throws Exception {
        serve(connection -> connection == 1 ? Reading.NO_ANSWER : Reading.AT_ONCE);
        try (ApiSink sink = sink()) {
            StoredEvent event = event(2);
            SocketTimeoutException late = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(SocketTimeoutException.class, () -> sink.deliver(event)));
            assertTrue(late.getMessage().contains("no byte to or from the API for 300 ms"), late.getMessage());
            assertFalse(late.getMessage().contains(TOKEN), late.getMessage());
            assertEquals(201, sink.deliver(event).status());
            assertEquals(2, connections.get(), "the late connection was closed, not reused");
        }
    }

    @Test
    void anUploadThatKeepsMovingMayTakeLongerThanTheTimeout() throws Exception {
        serve(connection -> Reading.PACED);
        int size = 32 * 1024 * 1024;
        long timeoutMillis = 1000;
        try (ApiSink sink = sink(timeoutMillis)) {
            long start = System.nanoTime();
            assertEquals(201, sink.deliver(event(size)).status());
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(bodyBytesRead.get() >= size, "the server read the whole body: " + bodyBytesRead.get());
            // the case only proves something if the upload outlasted the timeout
            assertTrue(tookMillis > timeoutMillis, "the paced upload took " + tookMillis + " ms");
        }
    }

    @Test
    void aServerThatStopsReadingTheRequestFailsThePostAtTheTimeout() throws Exception {
        serve(connection -> connection == 1 ? Reading.STOPS : Reading.AT_ONCE);
        try (ApiSink sink = sink()) {
            // more than the kernel's buffers on both sides take, so the client's write blocks
            StoredEvent big = event(32 * 1024 * 1024);
            SocketTimeoutException late = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(SocketTimeoutException.class, () -> sink.deliver(big)));
            assertTrue(late.getMessage().contains("no byte to or from the API"), late.getMessage());
            assertEquals(201, sink.deliver(event(2)).status());
        }
    }

    private ApiSink sink() throws Exception {
        return sink(TIMEOUT_MILLIS);
    }

    private ApiSink sink(long timeoutMillis) throws Exception {
        ApiEndpoint endpoint = new ApiEndpoint(
                URI.create("http://127.0.0.1:" + server.getLocalPort() + "/api/v1.0/raw"), Secret.of(TOKEN),
                Duration.ofMillis(timeoutMillis), 2, true, null);
        return ApiSink.create(endpoint, Clock.systemUTC(), Duration.ofHours(1));
    }

    private static StoredEvent event(int size) {
        byte[] data = new byte[size];
        data[0] = '{';
        return new StoredEvent(1, EventRecord.of("main", "org1", "phishtank", "UTC", "application/json", data));
    }

    /** Serves each connection on its own thread as the script says. */
    private void serve(Script script) {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Reading reading = script.on(connections.incrementAndGet());
                    Thread handler = new Thread(() -> handle(socket, reading));
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

    private void handle(Socket socket, Reading reading) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                long length = readHead(in);
                if (length < 0) {
                    return;
                }
                byte[] chunk = new byte[64 * 1024];
                for (long left = length; left > 0; ) {
                    int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                    if (n < 0) {
                        return;
                    }
                    left -= n;
                    bodyBytesRead.addAndGet(n);
                    if (reading == Reading.STOPS) {
                        testEnded.await(); // reads no more, keeps the connection open
                        return;
                    }
                    if (reading == Reading.PACED) {
                        Thread.sleep(2); // the server's own pace, not a wait for a condition
                    }
                }
                if (reading == Reading.NO_ANSWER) {
                    in.read(); // holds the connection until the client closes it
                    return;
                }
                out.write(ANSWER);
                out.flush();
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
