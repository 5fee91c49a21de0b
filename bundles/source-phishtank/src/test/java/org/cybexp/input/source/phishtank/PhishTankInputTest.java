package org.cybexp.input.source.phishtank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryFetchContext;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.LoopbackFeedServer;
import org.cybexp.input.testkit.RunningFetch;
import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input against a real HTTP server on loopback, through the test kit's in-memory container. */
class PhishTankInputTest {

    private static final String KEY = "5ecret0app0key0abcdef0123456789";
    private static final String BINARY = "application/octet-stream";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestClock clock = TestClock.at("2024-05-06T00:00:00Z");
    private LoopbackFeedServer server;
    private LoopbackFeedServer.Feed feed;
    private InMemoryInputStore store;
    private SourceInput input;
    /** Every text the input showed: failure messages, progress lines, malformed reasons. */
    private final List<String> shown = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = LoopbackFeedServer.start();
        feed = server.feed("/data/" + KEY + "/online-valid.json.bz2");
        store = store(Map.of());
        input = store.open();
    }

    private InMemoryInputStore store(Map<String, String> extra) throws Exception {
        Map<String, Object> keys = new HashMap<>(Map.of("orgid", "org1", "app_key", KEY,
                "url", server.baseUri() + "/data/{app_key}/online-valid.json.bz2"));
        keys.putAll(extra);
        // small batches, so that a fetch failing half-way has stored some records already
        return InMemoryInputStore.builder(new PhishTankPlugin()).name("main").properties(keys).clock(clock)
                .batchLimits(10, 8 << 20).build();
    }

    @AfterEach
    void stop() {
        input.close();
        server.close();
        for (String text : shown) {
            assertFalse(text.contains(KEY), "the app key leaked: " + text);
        }
    }

    private InMemoryFetchContext fetch() throws Exception {
        InMemoryFetchContext ctx = store.newContext();
        try {
            store.fetch(input, ctx);
            return ctx;
        } finally {
            shown.add(ctx.progress());
            shown.addAll(ctx.malformedReasons());
        }
    }

    private <T extends Exception> T fetchFails(Class<T> type) {
        T failure = assertThrows(type, this::fetch);
        shown.add(failure.getMessage());
        return failure;
    }

    private static List<JsonNode> trees(List<Event> events) {
        return events.stream().map(e -> Fixtures.tree(e.body())).toList();
    }

    /** n records shaped like the sample's, ids counting down from 9000000 + n. */
    private static List<JsonNode> records(int n) {
        List<JsonNode> sample = Fixtures.records();
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectNode record = sample.get(i % sample.size()).deepCopy();
            record.put("phish_id", String.valueOf(9_000_000 + n - i));
            out.add(record);
        }
        return out;
    }

    @Test
    void postsEachRecordOnceAsItsOwnJsonFileAndAnUnchangedDumpCostsA304() throws Exception {
        feed.serve(Fixtures.bytes("online-valid.json.bz2"), BINARY);

        InMemoryFetchContext first = fetch();

        List<JsonNode> records = Fixtures.records();
        assertEquals(records, trees(store.events()));
        for (int i = 0; i < records.size(); i++) {
            Event event = store.events().get(i);
            assertEquals("application/json", event.mediaType());
            assertEquals(List.of(Fixtures.dedupKey(records.get(i))), event.dedupKeys());
        }
        assertEquals("phishtank-api", store.config().typetag());
        assertEquals("50 records, 50 new", first.progress());
        LoopbackFeedServer.Request request = feed.lastRequest().orElseThrow();
        assertEquals("/data/" + KEY + "/online-valid.json.bz2", request.pathAndQuery());
        assertEquals("phishtank/cybexp-input", request.header("User-Agent").orElseThrow());

        InMemoryFetchContext second = fetch();

        assertEquals(1, feed.notModifiedAnswers());
        assertTrue(feed.lastRequest().orElseThrow().header("If-None-Match").isPresent());
        assertEquals(50, store.events().size());
        assertEquals("dump not modified since the last download", second.progress());
    }

    @Test
    void laterDumpsPostOnlyNewRecordsAndReverifiedOnesAcrossRestarts() throws Exception {
        List<JsonNode> records = Fixtures.records();
        feed.serve(Fixtures.bytes("online-valid.json.bz2"), BINARY);
        fetch();

        List<JsonNode> next = new ArrayList<>(records.subList(0, 45)); // 5 went offline
        ((ObjectNode) next.get(0)).put("verification_time", "2024-05-06T01:00:00+00:00"); // re-verified
        ((ObjectNode) next.get(7)).put("verification_time", "2024-05-06T01:05:00+00:00");
        List<JsonNode> added = records(3);
        next.addAll(0, added);
        input.close();
        input = store.open(); // a restart: only the stored dedup keys remember the first dump
        feed.serve(Fixtures.bzip2(Fixtures.dump(next)), BINARY);

        InMemoryFetchContext second = fetch();

        List<JsonNode> expectedNew = new ArrayList<>(added);
        expectedNew.add(next.get(3));
        expectedNew.add(next.get(10));
        assertEquals(expectedNew, trees(store.events().subList(50, store.events().size())));
        assertEquals("48 records, 5 new", second.progress());

        feed.serve(Fixtures.gzip(Fixtures.dump(next)), BINARY); // same records, new ETag, other format
        assertEquals("48 records, 0 new", fetch().progress());
        assertEquals(55, store.events().size());
    }

    @Test
    void aDumpCutShortFailsTheFetchAndTheRecoveryPostsEachRecordExactlyOnce() throws Exception {
        List<JsonNode> records = records(3000); // enough that the gzip reader hands out data before the cut
        byte[] json = Fixtures.dump(records);
        byte[] gz = Fixtures.gzip(json);
        List<byte[]> broken = List.of(Arrays.copyOf(json, json.length / 2), Arrays.copyOf(gz, gz.length * 2 / 3));
        List<String> expected = List.of("the dump is not valid JSON or is cut short: ",
                "the gzip data is truncated or corrupt after ");
        for (int i = 0; i < broken.size(); i++) {
            feed.serve(broken.get(i), BINARY);

            SourceException failure = fetchFails(SourceException.class);

            assertTrue(failure.getMessage().startsWith(expected.get(i)), failure.getMessage());
            assertTrue(failure.getMessage().contains(" new)"), "says how far it came: " + failure.getMessage());
            assertFalse(failure.getMessage().contains("REDACTED"), "no parser noise: " + failure.getMessage());
            assertFalse(store.committedState().keySet().stream().anyMatch(k -> k.startsWith("http.")),
                    "the validators of a bad answer are not kept: " + store.committedState());
        }
        int storedBeforeRecovery = store.events().size();
        assertTrue(storedBeforeRecovery >= 10, "batches stored before the fault: " + storedBeforeRecovery);

        feed.serve(Fixtures.bzip2(json), BINARY);
        InMemoryFetchContext recovery = fetch();

        assertEquals(records, trees(store.events()), "every record once, in dump order");
        assertEquals("3000 records, " + (3000 - storedBeforeRecovery) + " new", recovery.progress());
    }

    @Test
    void aConnectionDroppedMidDownloadFailsTheFetch() throws Exception {
        byte[] bz = Fixtures.bzip2(Fixtures.dump(records(3000)));
        feed.serve(bz, BINARY).cutAfter(bz.length / 3);

        SourceException failure = fetchFails(SourceException.class);

        assertTrue(failure.getMessage().startsWith("the download failed after "), failure.getMessage());
        assertEquals(List.of(), store.events());
        feed.serve(bz, BINARY);
        fetch();
        assertEquals(3000, store.events().size());
    }

    @Test
    void anHtmlPageAnEmptyFileAndInvalidJsonAreErrorsThatPostNothing() throws Exception {
        Map<byte[], String> bad = new java.util.LinkedHashMap<>();
        bad.put(Fixtures.bytes("malformed/html-error-saved-as.json.gz"),
                "the download is an HTML page (an error or challenge page), not the dump");
        bad.put(Fixtures.bytes("malformed/empty-file.json"), "the download is empty (0 bytes)");
        bad.put("[{\"phish_id\":\"1\"},,]".getBytes(StandardCharsets.UTF_8),
                "the dump is not valid JSON or is cut short: ");
        bad.put("{\"error\":\"maintenance\"}".getBytes(StandardCharsets.UTF_8),
                "the dump is not a JSON array (it starts with {)");
        for (Map.Entry<byte[], String> body : bad.entrySet()) {
            feed.serve(body.getKey(), "text/html");

            SourceException failure = fetchFails(SourceException.class);

            assertTrue(failure.getMessage().startsWith(body.getValue()), failure.getMessage());
            assertEquals(List.of(), store.events());
            assertEquals(Map.of(), store.committedState());
        }
    }

    @Test
    void malformedRecordsAreSkippedAndCountedWhileTheOthersArePosted() throws Exception {
        feed.serve(Fixtures.bytes("malformed/invalid-utf8.json"), "application/json");

        InMemoryFetchContext ctx = fetch();

        assertEquals(Fixtures.records().subList(1, 3), trees(store.events()));
        assertEquals(1, store.malformed());
        assertEquals("2 records, 2 new, 1 malformed", ctx.progress());

        feed.serve(Fixtures.bytes("malformed/duplicate-ids.json"), "application/json"); // records 0 1 2 0 1
        InMemoryFetchContext duplicates = fetch();

        List<JsonNode> first3 = Fixtures.records().subList(0, 3);
        assertEquals(List.of(first3.get(1), first3.get(2), first3.get(0)), trees(store.events()));
        assertEquals("5 records, 1 new", duplicates.progress());
    }

    @Test
    void a429WaitsForRetryAfterAndDoesNotAskAgainBefore() throws Exception {
        feed.failWith(429, "120");

        HttpStatusException limited = fetchFails(HttpStatusException.class);

        assertEquals(429, limited.status());
        assertEquals(Duration.ofSeconds(120), limited.retryAfter().orElseThrow());
        assertEquals("PhishTank rate limit exceeded (HTTP 429): no download before 2024-05-06T00:02:00Z",
                limited.getMessage());
        assertEquals("rate limited until 2024-05-06T00:02:00Z", store.progress());

        clock.advance(Duration.ofSeconds(60));
        HttpStatusException early = fetchFails(HttpStatusException.class);
        assertEquals(Duration.ofSeconds(60), early.retryAfter().orElseThrow());
        assertEquals(1, feed.requests(), "no request inside the window");

        clock.advance(Duration.ofSeconds(61));
        feed.serve(Fixtures.bytes("online-valid.json.bz2"), BINARY);
        fetch();
        assertEquals(50, store.events().size());
    }

    @Test
    void a509WithoutRetryAfterWaitsAnHour() throws Exception {
        feed.failWith(509, null);

        HttpStatusException limited = fetchFails(HttpStatusException.class);

        assertEquals(509, limited.status());
        assertEquals(Duration.ofHours(1), limited.retryAfter().orElseThrow());
        assertEquals(clock.instant().plus(Duration.ofHours(1)), ((PhishTankInput) input).notBefore().orElseThrow());
    }

    @Test
    void a429WithTheRateLimitIntervalHeaderWaitsForTheWholeWindow() throws Exception {
        HttpServer limiter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        limiter.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("X-Request-Limit-Interval", "259200 Seconds");
            exchange.sendResponseHeaders(429, -1);
            exchange.close();
        });
        limiter.start();
        try {
            store = store(Map.of("url", "http://127.0.0.1:" + limiter.getAddress().getPort()
                    + "/data/{app_key}/online-valid.json.bz2"));
            input = store.open();

            HttpStatusException limited = fetchFails(HttpStatusException.class);

            assertEquals(429, limited.status());
            assertEquals(Duration.ofSeconds(259_200), limited.retryAfter().orElseThrow());
        } finally {
            limiter.stop(0);
        }
    }

    @Test
    void theRateLimitTextServedWith200WaitsForTheWholeWindow() throws Exception {
        byte[] text = Fixtures.bytes("http/rate-limit-body.txt");
        HttpServer limiter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        limiter.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.getResponseHeaders().add("X-Request-Limit-Interval", "259200 Seconds");
            exchange.getResponseHeaders().add("X-Request-Limit", "75");
            exchange.getResponseHeaders().add("X-Request-Count", "163");
            exchange.sendResponseHeaders(200, text.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(text);
            }
        });
        limiter.start();
        try {
            store = store(Map.of("url", "http://127.0.0.1:" + limiter.getAddress().getPort()
                    + "/data/{app_key}/online-valid.json.bz2"));
            input = store.open();

            HttpStatusException limited = fetchFails(HttpStatusException.class);

            assertEquals(Duration.ofSeconds(259_200), limited.retryAfter().orElseThrow());
            assertEquals("PhishTank rate limit exceeded (HTTP 200 with the rate-limit text): no download before "
                    + "2024-05-09T00:00:00Z", limited.getMessage());
            assertEquals(List.of(), store.events());
            assertEquals(Map.of(), store.committedState(), "the text's validators are not kept");
        } finally {
            limiter.stop(0);
        }
    }

    @Test
    void otherHttpErrorsPassThroughWithTheKeyMasked() throws Exception {
        feed.failWith(404, null);

        HttpStatusException missing = fetchFails(HttpStatusException.class);

        assertEquals(404, missing.status());
        assertTrue(missing.getMessage().contains("/data/***/online-valid.json.bz2"), missing.getMessage());
        assertTrue(((PhishTankInput) input).notBefore().isEmpty());
    }

    @Test
    void theConfiguredUserAgentIsSent() throws Exception {
        store = store(Map.of("user_agent", "phishtank/alice"));
        input = store.open();
        feed.serve(Fixtures.bytes("online-valid.json.gz"), BINARY);

        fetch();

        assertEquals("phishtank/alice", feed.lastRequest().orElseThrow().header("User-Agent").orElseThrow());
        assertEquals(50, store.events().size());
    }

    @Test
    void aFileUrlIsReadAndAnUnchangedFileIsSkipped(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("online-valid.json.bz2"), Fixtures.bytes("malformed/multistream.json.bz2"));
        store = store(Map.of("url", dir.toUri() + "online-valid.json.bz2", "app_key", "",
                "allowed_file_roots", dir.toString()));
        input = store.open();

        assertEquals("50 records, 50 new", fetch().progress());
        assertEquals(Fixtures.records(), trees(store.events()));
        assertEquals("dump not modified since the last download", fetch().progress());

        Files.write(dir.resolve("online-valid.json.bz2"), Fixtures.bytes("malformed/rate-limit-saved-as.json.bz2"));
        assertEquals("the file holds PhishTank's rate-limit answer instead of the dump",
                fetchFails(SourceException.class).getMessage());
    }

    @Test
    void aDecompressionBombIsStoppedAtTheConfiguredCap() throws Exception {
        store = store(Map.of("max_decompressed_bytes", "10000"));
        input = store.open();
        feed.serve(Fixtures.bytes("online-valid.json.bz2"), BINARY);

        SourceException failure = fetchFails(SourceException.class);

        assertTrue(failure.getMessage().startsWith("the dump is larger than 10000 bytes after decompression "
                + "(max_decompressed_bytes)"), failure.getMessage());
        assertTrue(store.events().size() < 50);
    }

    @Test
    void anImmediateStopEndsAHangingDownloadAndKeepsNoValidator() throws Exception {
        byte[] json = Fixtures.dump(records(2000));
        feed.serve(json, "application/json").hangAfter(json.length / 2);

        try (RunningFetch running = store.start(input)) {
            assertTrue(feed.awaitHanging(WAIT));
            assertTrue(running.context().awaitEmitted(500, WAIT), "the first half was read before the hang");
            assertTrue(running.isRunning());
            running.stopNow();
            assertTrue(running.awaitEnd(WAIT));
            running.failure().ifPresent(f -> shown.add(f.getMessage()));
        }
        assertEquals(Map.of(), store.committedState());
        Set<String> keys = new HashSet<>(store.dedupKeys());
        assertEquals(store.events().size(), keys.size());

        feed.serve(json, "application/json");
        fetch();
        assertEquals(2000, store.events().size(), "the next fetch completes the dump, nothing twice");
    }

    @Test
    void theKeyNeverShowsInTheInputsDescription() {
        assertFalse(input.toString().contains(KEY), input.toString());
        assertTrue(input.toString().contains("/data/***/online-valid.json.bz2"), input.toString());
    }
}
