package org.cybexp.input.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.PersistentState;
import org.cybexp.input.api.Secret;
import org.cybexp.input.core.fetch.FetchResources;
import org.cybexp.input.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

class InputHttpAccessTest {

    private static final String LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
    private final SharedHttpClient shared = new SharedHttpClient();
    private final MapState state = new MapState();
    private final FetchResources resources = new FetchResources();
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private InputHttpAccess http;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/feed", this::feed);
        server.createContext("/busy", exchange -> answer(exchange, 503, Map.of("Retry-After", "120"), ""));
        server.createContext("/limited", exchange -> answer(exchange, 429, Map.of("Retry-After",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(300).atZone(ZoneOffset.UTC))),
                ""));
        server.createContext("/denied", exchange -> answer(exchange, 403, Map.of(), "no"));
        server.start();
        http = new InputHttpAccess(shared, new InputHttpSettings(HttpClientSettings.DEFAULT, "ua-test/1",
                Duration.ofSeconds(10)), state, resources, clock);
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        shared.close();
    }

    /** Answers with an ETag and Last-Modified, or 304 when the client's validators match. */
    private void feed(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
        requests.add(headers);
        if ("\"v1\"".equals(headers.get("if-none-match")) || LAST_MODIFIED.equals(headers.get("if-modified-since"))) {
            exchange.sendResponseHeaders(304, -1);
            exchange.close();
            return;
        }
        boolean withEtag = !exchange.getRequestURI().getQuery().contains("noetag");
        answer(exchange, 200, withEtag ? Map.of("ETag", "\"v1\"", "Content-Type", "text/plain; charset=utf-8")
                : Map.of("Last-Modified", LAST_MODIFIED, "Content-Type", "text/plain"), "hello");
    }

    private static void answer(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void conditionalGetWithAnEtagAnswers304TheSecondTime() throws Exception {
        HttpRequest request = HttpRequest.get(uri("/feed?x=1")).conditional();
        try (HttpResult first = http.send(request)) {
            assertEquals(200, first.status());
            assertEquals(Optional.of("text/plain"), first.mediaType());
            assertEquals("hello", new String(first.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals("ua-test/1", requests.get(0).get("user-agent"));
        assertFalse(requests.get(0).containsKey("if-none-match"));
        assertEquals("\"v1\"", state.get(InputHttpAccess.ETAG + InputHttpAccess.validatorId(request.uri())).orElseThrow(),
                "the validator is staged in the call's state");

        try (HttpResult second = http.send(request)) {
            assertTrue(second.notModified());
        }
        assertEquals("\"v1\"", requests.get(1).get("if-none-match"));
        assertEquals(0, resources.size(), "closed results unregister themselves");
    }

    @Test
    void conditionalGetWithLastModified() throws Exception {
        HttpRequest request = HttpRequest.get(uri("/feed?noetag")).conditional();
        http.send(request).close();
        try (HttpResult second = http.send(request)) {
            assertEquals(304, second.status());
        }
        assertEquals(LAST_MODIFIED, requests.get(1).get("if-modified-since"));
    }

    @Test
    void unconditionalRequestsSendNoValidators() throws Exception {
        state.put(InputHttpAccess.ETAG + InputHttpAccess.validatorId(uri("/feed?x=1")), "\"v1\"");
        try (HttpResult result = http.send(HttpRequest.get(uri("/feed?x=1")))) {
            assertEquals(200, result.status());
        }
    }

    @Test
    void errorStatusesCarryRetryAfterInSecondsOrAsADate() {
        HttpStatusException busy = assertThrows(HttpStatusException.class,
                () -> http.send(HttpRequest.get(uri("/busy"))));
        assertEquals(503, busy.status());
        assertEquals(Optional.of(Duration.ofSeconds(120)), busy.retryAfter());
        assertEquals("GET " + uri("/busy") + " answered 503 Service Unavailable", busy.getMessage());

        HttpStatusException limited = assertThrows(HttpStatusException.class,
                () -> http.send(HttpRequest.get(uri("/limited"))));
        assertEquals(Optional.of(Duration.ofSeconds(300)), limited.retryAfter());

        HttpStatusException denied = assertThrows(HttpStatusException.class,
                () -> http.send(HttpRequest.get(uri("/denied"))));
        assertTrue(denied.retryAfter().isEmpty());
    }

    @Test
    void aKeyInTheUrlIsMaskedInErrors() {
        String key = "k3y-in-the-path-0123456789";
        HttpRequest request = HttpRequest.get(uri("/denied/" + key + "/online.json")).secretInUri(Secret.of(key));
        HttpStatusException e = assertThrows(HttpStatusException.class, () -> http.send(request));
        assertFalse(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains("/denied/***/online.json"), e.getMessage());

        int port = server.getAddress().getPort();
        server.stop(0);
        HttpRequest refused = HttpRequest.get(URI.create("http://127.0.0.1:" + port + "/" + key))
                .secretInUri(Secret.of(key));
        IOException io = assertThrows(IOException.class, () -> http.send(refused));
        assertFalse(io.getMessage().contains(key), io.getMessage());
    }

    @Test
    void fileUrlsAreReadFromDiskWithA304WhenUnchanged() throws Exception {
        Path file = Files.writeString(dir.resolve("feed.json"), "[1]");
        HttpRequest request = HttpRequest.get(file.toUri()).conditional();
        try (HttpResult first = http.send(request)) {
            assertEquals(200, first.status());
            assertEquals(Optional.of("application/json"), first.mediaType());
            assertEquals("[1]", new String(first.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        try (HttpResult second = http.send(request)) {
            assertTrue(second.notModified());
        }
        Files.writeString(file, "[1, 2]");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        try (HttpResult third = http.send(request)) {
            assertEquals(200, third.status());
        }
        assertThrows(IOException.class, () -> http.send(HttpRequest.get(dir.resolve("absent.txt").toUri())));
    }

    /** A plain map standing in for a fetch call's staged state. */
    private static final class MapState implements PersistentState {
        private final Map<String, String> values = new HashMap<>();

        @Override
        public synchronized Optional<String> get(String key) {
            return Optional.ofNullable(values.get(key));
        }

        @Override
        public synchronized void put(String key, String value) {
            values.put(key, value);
        }

        @Override
        public synchronized void remove(String key) {
            values.remove(key);
        }
    }
}
