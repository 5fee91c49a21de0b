package org.cybexp.input.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import org.cybexp.input.api.Secret;
import org.cybexp.input.delivery.sink.ApiEndpoint;
import org.cybexp.input.delivery.sink.ApiSink;
import org.cybexp.input.delivery.sink.SinkAnswer;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.StoredEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The API client alone, against the loopback receiver. */
class ApiSinkTest {

    private static final String TOKEN = "tok-5ecret-0815";
    private static final StoredEvent EVENT = new StoredEvent(1,
            EventRecord.of("main", "org1", "phishtank-api", "UTC", "application/json", "{}".getBytes()));

    private final CybexApiReceiver api = new CybexApiReceiver();

    ApiSinkTest() throws IOException {
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void readsTheMessageAndRetryAfter() throws Exception {
        api.thenAnswerRetryAfter(503, "500-db-down.json", "7");
        try (ApiSink sink = sink(api.url())) {
            SinkAnswer answer = sink.deliver(EVENT);
            assertEquals(new SinkAnswer(503, "Authentication database down!", Duration.ofSeconds(7)), answer);
            assertEquals(201, sink.deliver(EVENT).status());
        }
    }

    @Test
    void aBodyThatIsNotJsonGivesItsFirst500Characters() throws Exception {
        api.thenAnswerBody(400, "<html>" + "x".repeat(1000));
        try (ApiSink sink = sink(api.url())) {
            String message = sink.deliver(EVENT).message();
            assertEquals(500, message.length());
            assertTrue(message.startsWith("<html>xxx"));
        }
    }

    @Test
    void connectionFailureIsAnIOExceptionWithoutTheToken() throws Exception {
        String url;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            url = "http://127.0.0.1:" + closed.getLocalPort() + "/" + TOKEN; // even a token in the URL is masked
        }
        try (ApiSink sink = sink(url)) {
            IOException e = assertThrows(IOException.class, () -> sink.deliver(EVENT));
            assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
            assertTrue(e.getMessage().contains("Connection refused") || e.getMessage().contains("Connect"),
                    e.getMessage());
        }
    }

    private static ApiSink sink(String url) throws Exception {
        return ApiSink.create(new ApiEndpoint(URI.create(url), Secret.of(TOKEN), Duration.ofSeconds(5), 2, true,
                null), Clock.systemUTC());
    }
}
