package org.cybexp.input.delivery.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.cybexp.input.api.Secret;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.StoredEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The API client's own keep-alive pool against a server that closes each connection after one answer, as a
 * server closes idle keep-alive connections: an idle connection is checked before reuse, so no post fails for it.
 */
class ApiConnectionsTest {

    private static final StoredEvent EVENT = new StoredEvent(1,
            EventRecord.of("main", "org1", "phishtank", "UTC", "application/json", "{}".getBytes()));

    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final AtomicInteger connections = new AtomicInteger();
    /** Told each time the server has closed a connection after its answer. */
    private final BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();

    ApiConnectionsTest() throws IOException {
        Thread acceptor = new Thread(this::serve, "test-one-answer-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void anIdleConnectionTheServerClosedIsNotReused() throws Exception {
        try (ApiSink sink = ApiSink.create(endpoint(), Clock.systemUTC(), Duration.ZERO)) { // check every reuse
            assertEquals(201, sink.deliver(EVENT).status());
            assertEquals(1, closed.poll(10, TimeUnit.SECONDS));
            assertEquals(201, sink.deliver(EVENT).status()); // the closed one is dropped, a new one carries it
            assertEquals(2, connections.get());
        }
    }

    @Test
    void withoutTheCheckTheClosedConnectionWouldFailThePost() throws Exception {
        // the control: a connection idle for less than the check's threshold is reused as it is
        try (ApiSink sink = ApiSink.create(endpoint(), Clock.systemUTC(), Duration.ofHours(1))) {
            assertEquals(201, sink.deliver(EVENT).status());
            assertEquals(1, closed.poll(10, TimeUnit.SECONDS));
            IOException e = assertThrows(IOException.class, () -> sink.deliver(EVENT));
            assertTrue(e.getMessage() != null && !e.getMessage().contains("tok-1dle"), e.getMessage());
        }
    }

    private ApiEndpoint endpoint() {
        return new ApiEndpoint(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/api/v1.0/raw"),
                Secret.of("tok-1dle"), Duration.ofSeconds(5), 2, true, null);
    }

    /** Answers one request per connection with keep-alive headers, then closes it. */
    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                int number = connections.incrementAndGet();
                InputStream in = socket.getInputStream();
                long length = 0;
                for (String line; !(line = readLine(in)).isEmpty();) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
                in.readNBytes((int) length);
                byte[] body = "{\"message\": \"Data posted successfully\"}".getBytes(StandardCharsets.UTF_8);
                socket.getOutputStream().write(("HTTP/1.1 201 CREATED\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(body);
                socket.getOutputStream().flush();
                socket.close();
                closed.add(number);
            } catch (IOException e) {
                // closed by the test, or a client gone: next connection
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0 && b != '\n';) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
