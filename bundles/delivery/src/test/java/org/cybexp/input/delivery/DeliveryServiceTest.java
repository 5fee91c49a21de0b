package org.cybexp.input.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.core.control.DeliveryState;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.delivery.store.InputFolder;
import org.cybexp.input.delivery.store.SegmentOutbox;
import org.cybexp.input.testkit.LoopbackRawApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.cybexp.input.core.control.Backoff;
import org.cybexp.input.core.control.DeliveryFates;

/** The whole bundle without a framework: outbox on a temp dir, delivery to a real HTTP receiver on loopback. */
class DeliveryServiceTest {

    private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.secret-token-4711";
    private static final Instant NOW = Instant.parse("2024-05-06T10:00:00Z");
    private static final String INPUT = "UNR Cowrie Honeypot";
    private static final long MIB = 1024L * 1024;

    @TempDir
    Path data;

    private CybexApiReceiver api;
    private final List<DeliveryService> running = new CopyOnWriteArrayList<>();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void startReceiver() throws IOException {
        api = new CybexApiReceiver();
    }

    @AfterEach
    void stopAll() {
        running.forEach(DeliveryService::deactivate);
        api.close();
    }

    @Test
    void postsTheFourTextPartsThenTheFileWithTheBearerToken() throws IOException {
        DeliveryService service = start(api.url());
        byte[] body = "{\"phish_id\":\"1\",\"url\":\"https://phish-login-paypal.example/\"}\n\u00e9"
                .getBytes(StandardCharsets.UTF_8);

        service.append(input(INPUT), List.of(Event.of(body, "application/json")), null);

        await().until(() -> service.stats(INPUT).delivered() == 1);
        LoopbackRawApi.Post request = api.requests().get(0);
        assertEquals(List.of("name", "orgid", "typetag", "timezone", "file"), request.partNames());
        assertEquals(INPUT, request.part("name").text());
        assertEquals("org1", request.part("orgid").text());
        assertEquals("unr-honeypot", request.part("typetag").text());
        assertEquals("US/Pacific", request.part("timezone").text());
        assertEquals("file", request.part("file").filename());
        assertTrue(request.part("file").contentType().startsWith("application/json"));
        assertArrayEquals(body, request.part("file").body());
        assertEquals("Bearer " + TOKEN, request.authorization());
        assertEquals(0, waiting(INPUT));
        DeliveryStats stats = service.stats(INPUT);
        assertEquals(0, stats.outboxDepth());
        assertEquals(NOW, stats.lastDelivery());
        assertNull(stats.lastError());
        await().until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("cybexp-deliver-" + INPUT)));
    }

    @Test
    void aFileBodyIsMovedIntoTheOutboxAndPostedAsTheFilePartThenItsBlobIsDeleted() throws IOException {
        DeliveryService service = start(api.url());
        byte[] body = new byte[5 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(body);
        Path file = Files.write(data.resolve("upload.part"), body);

        service.append(input(INPUT), List.of(Event.ofFile(file, "application/octet-stream").withName("big.bin")),
                null);

        assertFalse(Files.exists(file), "the outbox took the file");
        await().until(() -> service.stats(INPUT).delivered() == 1);
        LoopbackRawApi.Post request = api.requests().get(0);
        assertEquals(List.of("name", "orgid", "typetag", "timezone", "file"), request.partNames());
        assertEquals("big.bin", request.part("name").text());
        assertEquals("file", request.part("file").filename());
        assertArrayEquals(body, request.part("file").body());
        assertEquals(0, waiting(INPUT));
        try (Stream<Path> left = Files.walk(data.resolve("outbox"))) {
            assertEquals(List.of(), left.filter(p -> p.toString().endsWith(".blob")).toList(), "blob deleted");
        }
    }

    @Test
    void aRefusedFileBodyIsKeptWholeInTheDeadLettersAndTheArchiveCopiesOne() throws IOException {
        api.thenAnswer(400, "400-unknown-part.json");
        DeliveryService service = start(api.url());
        byte[] body = "refused file body\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);

        service.append(input(INPUT), List.of(Event.ofFile(Files.write(data.resolve("a.part"), body), "text/plain")),
                null);

        await().until(() -> service.stats(INPUT).deadLettered() == 1);
        Path event = single(data.resolve("deadletter/UNR%20Cowrie%20Honeypot"), ".evt");
        String kept = Files.readString(event);
        assertTrue(kept.endsWith("\n" + new String(body, StandardCharsets.UTF_8)), "header line, then the body");
        stop(service);

        DeliveryService archive = start("");
        archive.append(input(INPUT), List.of(Event.ofFile(Files.write(data.resolve("b.part"), body), "text/plain")),
                null);
        await().until(() -> archive.stats(INPUT).delivered() == 1);
        assertArrayEquals(body, Files.readAllBytes(single(data.resolve("archive/UNR%20Cowrie%20Honeypot/2024-05-06"),
                ".txt")));
    }

    @Test
    void refusedEventGoesToTheDeadLettersWithTheApiMessageAndTheNextIsDelivered() throws IOException {
        api.thenAnswer(400, "400-unknown-part.json");
        DeliveryService service = start(api.url());

        service.append(input(INPUT), List.of(event("bad")), null);
        await().until(() -> service.stats(INPUT).deadLettered() == 1);
        service.append(input(INPUT), List.of(event("good")), null);

        await().until(() -> service.stats(INPUT).delivered() == 1);
        DeliveryStats stats = service.stats(INPUT);
        assertEquals(1, stats.deadLettered());
        assertEquals("400 Invalid input: typtag", stats.lastError());
        assertEquals(List.of("bad", "good"), api.files());
        Path deadLetters = data.resolve("deadletter/UNR%20Cowrie%20Honeypot");
        Path reason = single(deadLetters, ".json");
        JsonNode answer = json.readTree(reason.toFile());
        assertEquals(400, answer.get("status").asInt());
        assertEquals("Invalid input: typtag", answer.get("message").asText());
        assertEquals(INPUT, answer.get("input").asText());
        assertEquals("unr-honeypot", answer.get("typetag").asText());
        assertEquals(NOW.toString(), answer.get("at").asText());
        Path event = single(deadLetters, ".evt");
        assertTrue(Files.readString(event).endsWith("\nbad"), "the event is kept as it was in the outbox");
        assertEquals(0, waiting(INPUT));
    }

    @Test
    void serverErrorIsRetriedUntilDelivered() throws IOException {
        api.thenAnswer(500, "500-db-down.json");
        DeliveryService service = start(api.url());

        service.append(input(INPUT), List.of(event("e1")), null);

        await().until(() -> service.stats(INPUT).delivered() == 1);
        assertEquals(List.of("e1", "e1"), api.files());
        DeliveryStats stats = service.stats(INPUT);
        assertEquals("500 Authentication database down!", stats.lastError());
        assertEquals(0, stats.deadLettered());
        assertEquals(0, stats.outboxDepth());
    }

    @Test
    void aRefusedTokenPausesAtTheFirst401KeepsEveryEventAndAConfigChangeResumesIt() throws IOException {
        api.thenAnswer(401, "401-not-admin.json");
        DeliveryService service = start(api.url());

        service.append(input(INPUT), List.of(event("e1"), event("e2"), event("e3")), null);

        DeliveryStats paused = await().until(() -> service.stats(INPUT),
                s -> s.tokenRejected() && s.retryAt() != null // probed again later
                        && s.delivered() + 1 == api.requests().size()); // the posts already in flight answered
        assertEquals(0, paused.deadLettered(), "a refused token is no verdict on the event");
        assertEquals(0, paused.deadLetters());
        assertEquals(3 - paused.delivered(), paused.outboxDepth(), "the refused event and any not sent are kept");
        assertEquals("401 You are not an admin of this org!", paused.lastError());
        assertTrue(api.requests().size() <= 3, "paused at the first 401: nothing new is sent, nothing twice");
        String refused = api.exchanges().stream().filter(e -> e.status() == 401).findFirst().orElseThrow().post()
                .fileText();

        service.apply(settings(api.url())); // e.g. a new token in cybexp.api

        await().until(() -> service.stats(INPUT).delivered() == 3);
        assertFalse(service.stats(INPUT).tokenRejected());
        assertEquals(List.of("e1", "e2", "e3"), sorted(api.posts().stream().map(p -> p.fileText()).toList()));
        assertEquals(4, api.requests().size());
        // posted again, now taken (a post taken before the pause may still go out before or after it: no order)
        List<Integer> refusedAnswers = api.exchanges().stream().filter(e -> e.post().fileText().equals(refused))
                .map(e -> e.status()).toList();
        assertEquals(List.of(401, 201), refusedAnswers, "the refused one posted again");
        assertEquals(0, service.stats(INPUT).deadLetters());
    }

    @Test
    void aWrongEndpointPausesTheInputKeepsEveryEventProbesAgainAndResumesOnceTheUrlIsFixed() throws IOException {
        String wrong = api.url().replace("/raw", "/raws"); // a typo in cybexp.api: the API answers 404
        DeliveryService service = start(settings(wrong), Duration.ofMillis(100));

        service.append(input(INPUT), List.of(event("e1"), event("e2"), event("e3")), null);

        DeliveryStats paused = await().until(() -> service.stats(INPUT),
                s -> s.state() == DeliveryState.WRONG_ENDPOINT && s.retryAt() != null); // probed again later
        assertEquals("wrong endpoint (404): check url in etc/cybexp.api.cfg", paused.lastError());
        assertEquals(0, paused.deadLettered(), "no event is refused for a wrong url");
        assertEquals(3, paused.outboxDepth());
        await().until(() -> api.exchanges().size() >= 3); // probed again and again, one event at a time
        assertTrue(api.exchanges().stream().allMatch(e -> e.status() == 404), api.exchanges().toString());
        assertEquals(0, service.stats(INPUT).deadLetters());

        service.apply(settings(api.url())); // the url fixed in cybexp.api

        await().until(() -> service.stats(INPUT).delivered() == 3);
        assertEquals(List.of("e1", "e2", "e3"), sorted(api.files()), "several in flight: in any order");
        assertEquals(0, service.stats(INPUT).deadLetters());
        assertFalse(service.stats(INPUT).state() == DeliveryState.WRONG_ENDPOINT);
    }

    @Test
    void a405IsAWrongEndpointToo() throws IOException {
        api.thenAnswerBody(405, "{\"message\": \"The method is not allowed for the requested URL.\"}");
        DeliveryService service = start(api.url());

        service.append(input(INPUT), List.of(event("e1")), null);

        DeliveryStats paused = await().until(() -> service.stats(INPUT),
                s -> s.state() == DeliveryState.WRONG_ENDPOINT);
        assertEquals("wrong endpoint (405): check url in etc/cybexp.api.cfg", paused.lastError());
        assertEquals(1, paused.outboxDepth());
        assertEquals(0, paused.deadLetters());
    }

    @Test
    void eventsSurviveARestartAndAreDeliveredEvenForAnInputNoLongerConfigured() throws IOException {
        DeliveryService first = start(closedPortUrl());
        first.append(input(INPUT), List.of(event("e1"), event("e2"), event("e3")), null);
        await().until(() -> first.stats(INPUT).lastError() != null);
        stop(first);
        assertEquals(3, waiting(INPUT));

        DeliveryService second = start(api.url()); // nothing appended: the leftover outbox is found on disk

        await().until(() -> second.stats(INPUT).delivered() == 3);
        assertEquals(List.of("e1", "e2", "e3"), sorted(api.files()));
        assertEquals(0, waiting(INPUT));
    }

    @Test
    void aDamagedOutboxRecordIsKeptAsideAndReportedAndTheIntactOnesDelivered() throws IOException {
        DeliveryService first = start(closedPortUrl());
        first.append(input(INPUT), List.of(event("e1"), event("e2"), event("e3")), null);
        stop(first);
        Path segment;
        try (Stream<Path> files = Files.list(data.resolve("outbox/UNR%20Cowrie%20Honeypot"))) {
            segment = files.filter(f -> f.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        bytes[text.indexOf("\ne2") + 1] = 'X'; // the body of e2: it follows its header line
        Files.write(segment, bytes);

        DeliveryService second = start(api.url());

        await().until(() -> second.stats(INPUT).delivered() == 2);
        assertEquals(List.of("e1", "e3"), sorted(api.files()));
        assertTrue(second.stats(INPUT).lastError().contains("damaged records"), second.stats(INPUT).lastError());
        try (Stream<Path> kept = Files.list(data.resolve("outbox/UNR%20Cowrie%20Honeypot/corrupt"))) {
            assertEquals(1, kept.count(), "the damaged bytes are kept for a person to look at");
        }
        assertEquals(0, waiting(INPUT));
    }

    @Test
    void theTokenNeverAppearsInLastErrorOrDeadLetters() throws IOException {
        api.thenAnswerBody(400, "{\"message\": \"bad header: Bearer " + TOKEN + "\"}");
        DeliveryService service = start(api.url());
        service.append(input(INPUT), List.of(event("e1")), null);
        await().until(() -> service.stats(INPUT).deadLettered() == 1);

        assertEquals("400 bad header: Bearer ***", service.stats(INPUT).lastError());
        String reason = Files.readString(single(data.resolve("deadletter/UNR%20Cowrie%20Honeypot"), ".json"));
        assertFalse(reason.contains(TOKEN), reason);

        service.apply(settings(closedPortUrl()));
        service.append(input(INPUT), List.of(event("e2")), null);
        await().until(() -> service.stats(INPUT).lastError().contains("Connect"));
        assertFalse(service.stats(INPUT).lastError().contains(TOKEN), service.stats(INPUT).lastError());
    }

    @Test
    void unresolvableTokenKeepsEventsInTheOutboxWithAClearError() throws IOException {
        DeliveryService service = start(new SinkSettings(api.url(), "${env:CYBEXP_TOKEN_NOT_SET}",
                Duration.ofSeconds(5), 4, true, ""));

        service.append(input(INPUT), List.of(event("e1")), null);

        await().until(() -> service.stats(INPUT).lastError() != null);
        assertEquals("cybexp.api: token: refers to environment variable 'CYBEXP_TOKEN_NOT_SET', which is not set",
                service.stats(INPUT).lastError());
        assertEquals(1, service.stats(INPUT).outboxDepth());
        assertEquals(0, service.stats(INPUT).deadLettered());
        assertEquals(List.of(), api.requests());
    }

    @Test
    void withoutUrlEventsGoToTheLocalArchive() throws IOException {
        DeliveryService service = start("");

        service.append(input(INPUT), List.of(event("{\"a\":1}"), Event.ofText("http://x.example/\n", "text/plain"),
                Event.ofText("{}\n{}\n", "application/x-ndjson"), Event.of(new byte[] {1, 2}, "application/zip")), null);

        await().until(() -> service.stats(INPUT).delivered() == 4);
        Path day = data.resolve("archive/UNR%20Cowrie%20Honeypot/2024-05-06");
        List<String> names;
        try (Stream<Path> files = Files.list(day)) {
            names = files.map(p -> p.getFileName().toString().replaceFirst("^\\d{20}", "<seq>")).sorted().toList();
        }
        assertEquals(List.of("<seq>.bin", "<seq>.json", "<seq>.jsonl", "<seq>.meta.json", "<seq>.meta.json",
                "<seq>.meta.json", "<seq>.meta.json", "<seq>.txt"), names);
        Path text = single(day, ".txt");
        assertEquals("http://x.example/\n", Files.readString(text));
        String stem = text.getFileName().toString().replace(".txt", "");
        JsonNode meta = json.readTree(day.resolve(stem + ".meta.json").toFile());
        assertEquals(INPUT, meta.get("name").asText());
        assertEquals("org1", meta.get("orgid").asText());
        assertEquals("unr-honeypot", meta.get("typetag").asText());
        assertEquals("US/Pacific", meta.get("timezone").asText());
        assertEquals("text/plain", meta.get("mediaType").asText());
        assertEquals(NOW.toString(), meta.get("storedAt").asText());
        assertNotNull(meta.get("sha256").asText());
        assertEquals(0, waiting(INPUT));
    }

    @Test
    void switchingFromTheArchiveToTheApiAppliesToTheNextDelivery() throws IOException {
        DeliveryService service = start("");
        service.append(input(INPUT), List.of(event("to-archive")), null);
        await().until(() -> service.stats(INPUT).delivered() == 1);

        service.apply(settings(api.url()));
        service.append(input(INPUT), List.of(event("to-api")), null);

        await().until(() -> service.stats(INPUT).delivered() == 2);
        assertEquals(List.of("to-api"), api.files());
    }

    @Test
    void deactivateLetsTheRequestsInFlightFinishAndKeepsTheRestInTheOutbox() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        api.holdAnswersUntil(release);
        DeliveryService service = start(new SinkSettings(api.url(), TOKEN, Duration.ofSeconds(5), 0, true, "", 2));
        service.append(input(INPUT), List.of(event("e1"), event("e2"), event("e3")), null);
        await().until(() -> api.requests().size() == 2); // max_in_flight 2

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> stop(service));
        release.countDown();
        stopping.get(10, TimeUnit.SECONDS);

        assertEquals(List.of("e1", "e2"), sorted(api.files()));
        assertEquals(2, service.stats(INPUT).delivered());
        assertEquals(1, waiting(INPUT));
        assertThrows(IOException.class, () -> service.append(input(INPUT), List.of(event("late")), null));
    }

    @Test
    void fetchingPausesWhenAnOutboxOrAllOfThemReachTheirCapAndResumesOnceDelivered() throws IOException {
        DeliveryService service = start(closedPortUrl()); // the API is down: everything stays in the outbox
        service.caps(new OutboxCaps(2_000, 3_000));
        assertTrue(service.accepting(INPUT));

        service.append(input(INPUT), List.of(Event.ofText("x".repeat(2_000), "text/plain")), null);
        assertFalse(service.accepting(INPUT), "over its own cap");
        assertTrue(service.accepting("other"));
        service.append(input("other"), List.of(Event.ofText("y".repeat(1_500), "text/plain")), null);
        assertFalse(service.accepting("third"), "all outboxes together over the total cap");

        service.apply(settings(api.url())); // the API is back
        await().until(() -> service.stats(INPUT).delivered() == 1 && service.stats("other").delivered() == 1);
        assertTrue(service.accepting(INPUT) && service.accepting("other") && service.accepting("third"));
    }

    @Test
    void fetchingPausesWhileLessThanTheReserveIsFreeOnTheDiskAndResumesOnceSpaceIsBack() throws IOException {
        AtomicLong free = new AtomicLong(300 * MIB);
        DeliveryService service = start(settings(api.url()), Duration.ofMinutes(5), free::get);
        service.caps(new OutboxCaps(1L << 40, 1L << 40, 256 * MIB));
        service.append(input(INPUT), List.of(event("e1")), null);
        assertTrue(service.accepting(INPUT));
        await().until(() -> service.stats(INPUT).delivered() == 1);

        free.set(255 * MIB); // something else filled the disk; the outboxes are far below their caps
        assertFalse(service.accepting(INPUT), "back-pressure before the disk is full");
        assertFalse(service.accepting("other"), "the reserve is for all inputs");
        String shown = service.stats(INPUT).lastError();
        assertTrue(shown.startsWith("disk nearly full: 255 MiB free") && shown.contains("outbox_min_free_mib (256)"),
                shown);

        free.set(257 * MIB);
        assertTrue(service.accepting(INPUT) && service.accepting("other"));
        service.caps(new OutboxCaps(1L << 40, 1L << 40, 0));
        free.set(0);
        assertTrue(service.accepting(INPUT), "outbox_min_free_mib = 0 turns the reserve off");
    }

    @Test
    void unknownInputHasNoStats() {
        assertEquals(DeliveryStats.NONE, start(api.url()).stats("nobody"));
    }

    @Test
    void fatesAreKeptOnlyForInputsThatAskedAndFromTheFirstPostAfterARestart() throws Exception {
        DeliveryService first = start(api.url());
        first.fates().keep(INPUT);
        first.deactivate();
        running.remove(first);
        DeliveryService second = start(api.url());
        byte[] body = "{\"kept\":1}".getBytes(StandardCharsets.UTF_8);
        second.append(input(INPUT), List.of(Event.of(body, "application/json")), null);
        second.append(input("other"), List.of(Event.of(body, "application/json")), null);
        await().until(() -> second.stats(INPUT).delivered() == 1 && second.stats("other").delivered() == 1);
        String sha256 = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(body));
        assertTrue(second.fates().fate(INPUT, new DeliveryFates.Posting(INPUT, "org1", "unr-honeypot", sha256))
                .isPresent(), "kept before the input asked again: it had asked in the earlier run");
        assertTrue(second.fates().fate("other", new DeliveryFates.Posting("other", "org1", "unr-honeypot", sha256))
                .isEmpty(), "an input that never asked pays nothing");
    }

    private DeliveryService start(String url) {
        return start(settings(url));
    }

    private DeliveryService start(SinkSettings settings) {
        // the token pause (5 min) only ends by a config change
        return start(settings, Duration.ofMinutes(5));
    }

    private DeliveryService start(SinkSettings settings, Duration pauseProbe) {
        return start(settings, pauseProbe, FreeSpace.of(data));
    }

    private DeliveryService start(SinkSettings settings, Duration pauseProbe, FreeSpace disk) {
        // retries after 2, 4, 8... ms instead of seconds
        DeliveryTiming timing = new DeliveryTiming(Clock.fixed(NOW, ZoneOffset.UTC),
                Executors.newSingleThreadScheduledExecutor(), new Backoff(Duration.ofMillis(1), () -> 1.0),
                pauseProbe);
        DeliveryService service = new DeliveryService(data, settings, timing, new SecretResolver(name -> null), disk);
        running.add(service);
        return service;
    }

    private void stop(DeliveryService service) {
        running.remove(service);
        service.deactivate();
    }

    private static SinkSettings settings(String url) {
        return new SinkSettings(url, TOKEN, Duration.ofSeconds(5), 4, true, "");
    }

    private static List<String> sorted(List<String> texts) {
        return texts.stream().sorted().toList();
    }

    private static InputConfig input(String name) {
        return new InputConfig("websocket", name, "org1", "unr-honeypot", ZoneId.of("US/Pacific"),
                Duration.ofHours(1), true, Map.of());
    }

    private static Event event(String text) {
        return Event.ofText(text, "application/json");
    }

    /** Events waiting in an input's outbox, as a new daemon would find them. */
    private long waiting(String inputName) throws IOException {
        try (SegmentOutbox outbox = SegmentOutbox.open(data.resolve("outbox").resolve(InputFolder.of(inputName)), 0,
                problem -> { })) {
            return outbox.depth();
        }
    }

    private static Path single(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().endsWith(suffix)
                    && !p.getFileName().toString().endsWith(".meta" + suffix)).toList();
            assertEquals(1, found.size(), found.toString());
            return found.get(0);
        }
    }

    /** A loopback URL where nothing listens: the port of a socket just closed. */
    private static String closedPortUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/api/v1.0/raw";
        }
    }
}
