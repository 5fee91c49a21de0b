package org.cybexp.input.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.cybexp.input.api.Secret;
import org.cybexp.input.delivery.sink.ApiEndpoint;
import org.cybexp.input.delivery.sink.ApiSink;
import org.cybexp.input.delivery.sink.SinkAnswer;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.StoredEvent;
import org.cybexp.input.testkit.LoopbackRawApi;
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
    void postsTheFormPartsInOrderWithTheirValuesAndTheBodyAsItIs() throws Exception {
        byte[] body = "{\"url\":\"https://xn--bcher-kva.example/\u00fc\"}\r\n--not-the-boundary\r\n".getBytes(
                java.nio.charset.StandardCharsets.UTF_8);
        try (LoopbackRawApi raw = new LoopbackRawApi(TOKEN); ApiSink sink = sink(raw.url())) {
            // a stored media type with a line break must not start a header of its own
            StoredEvent event = new StoredEvent(7, EventRecord.of("B\u00fccher feed", "org\u00e9", "phishtank",
                    "Europe/Berlin", "application/json\r\nX-Injected: 1", body));
            SinkAnswer answer = sink.deliver(event);
            assertEquals(201, answer.status());
            LoopbackRawApi.Post post = raw.posts().get(0);
            assertEquals(List.of("name", "orgid", "typetag", "timezone", "file"), post.partNames());
            assertEquals(Map.of("name", "B\u00fccher feed", "orgid", "org\u00e9", "typetag", "phishtank",
                    "timezone", "Europe/Berlin"), post.fields());
            assertArrayEquals(body, post.file());
            assertEquals("file", post.part("file").filename());
            String type = post.part("file").contentType(); // one header line: the break did not start a header
            assertTrue(type.startsWith("application/json") && !type.contains("\n") && !type.contains("\r"), type);
            assertEquals("Bearer " + TOKEN, post.authorization());
        }
    }

    @Test
    void aPoolResizedAtRuntimeCarriesThatManyPostsAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (LoopbackRawApi raw = new LoopbackRawApi(TOKEN); ApiSink sink = ApiSink.create(new ApiEndpoint(
                URI.create(raw.url()), Secret.of(TOKEN), Duration.ofSeconds(10), 1, true, null), Clock.systemUTC())) {
            assertEquals(201, sink.deliver(EVENT).status()); // the pool of the route exists, with one connection
            raw.holdAnswersUntil(release);
            sink.connections(4); // as the delivery service does when inputs come (max_connections 0)
            ExecutorService posts = Executors.newFixedThreadPool(4);
            try {
                List<Future<SinkAnswer>> answers = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    answers.add(posts.submit(() -> sink.deliver(EVENT)));
                }
                // all four reach the API while none is answered: four connections, not the one it began with
                await().atMost(Duration.ofSeconds(5)).until(() -> raw.requests().size() == 5);
                release.countDown();
                for (Future<SinkAnswer> answer : answers) {
                    assertEquals(201, answer.get(10, TimeUnit.SECONDS).status());
                }
            } finally {
                release.countDown();
                posts.shutdownNow();
            }
        }
    }

    @Test
    void aJsonAnswerWithoutATextMessageGivesItsText() throws Exception {
        api.thenAnswerBody(400, "{\"message\": {\"nested\": \"no\"}, \"other\": [1, 2]}");
        try (ApiSink sink = sink(api.url())) {
            assertEquals("{\"message\": {\"nested\": \"no\"}, \"other\": [1, 2]}", sink.deliver(EVENT).message());
        }
        api.thenAnswerBody(400, "{\"other\": {\"message\": \"inner\"}, \"message\": \"outer\"}");
        try (ApiSink sink = sink(api.url())) {
            assertEquals("outer", sink.deliver(EVENT).message());
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
