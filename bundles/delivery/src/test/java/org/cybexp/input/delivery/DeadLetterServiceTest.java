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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.core.control.DeadLetter;
import org.cybexp.input.core.control.DeadLetterContent;
import org.cybexp.input.core.control.DeadLetterStore;
import org.cybexp.input.core.control.DeliveryState;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.core.control.UnknownDeadLetterException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.cybexp.input.core.control.Backoff;

/**
 * Dead letters listed, shown, replayed and purged, and the delivery state in status: the whole bundle without
 * a framework, its outbox on a temp dir, delivering to a real HTTP receiver on loopback.
 */
class DeadLetterServiceTest {

    private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.dead-letter-token-0815";
    private static final Instant NOW = Instant.parse("2024-05-06T10:00:00Z");
    private static final String INPUT = "UNR Cowrie Honeypot";
    private static final String FOLDER = "UNR%20Cowrie%20Honeypot";

    @TempDir
    Path data;

    private CybexApiReceiver api;
    private final List<DeliveryService> running = new CopyOnWriteArrayList<>();

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
    void listShowsEveryRefusedEventWithTheApiAnswerOldestFirst() throws Exception {
        DeliveryService service = twoRefusedOfThree();

        List<DeadLetter> letters = service.deadLetterStore().list(List.of());

        assertEquals(2, letters.size(), letters.toString());
        DeadLetter first = letters.get(0);
        assertTrue(first.id().matches(FOLDER + "/\\d{20}"), first.id());
        assertTrue(first.id().compareTo(letters.get(1).id()) < 0, "oldest first");
        assertEquals(INPUT, first.input());
        assertEquals(400, first.status());
        assertEquals("Invalid input: typtag", first.message());
        assertEquals(NOW, first.at());
        assertEquals("bad-1".length(), first.size());
        assertEquals("unr-honeypot", first.typetag());
        assertEquals(letters, service.deadLetterStore().list(List.of(INPUT)));
        assertEquals(List.of(), service.deadLetterStore().list(List.of("another input")));
        assertEquals(2, service.stats(INPUT).deadLetters());
    }

    @Test
    void showGivesTheFieldsAndTheStartOfTheBody() throws Exception {
        api.thenAnswer(400, "400-unknown-part.json");
        DeliveryService service = start(api.url());
        byte[] body = new byte[5000];
        Arrays.fill(body, (byte) 'x');
        service.append(input(INPUT), List.of(Event.of(body, "application/x-ndjson")), null);
        await().until(() -> service.stats(INPUT).deadLettered() == 1);
        String id = service.deadLetterStore().list(List.of()).get(0).id();

        DeadLetterContent content = service.deadLetterStore().show(id, 100);

        assertEquals(id, content.letter().id());
        assertEquals(5000, content.letter().size());
        assertArrayEquals(Arrays.copyOf(body, 100), content.bodyStart());
        assertTrue(content.truncated());
        assertEquals("application/x-ndjson", content.mediaType());
        assertEquals("org1", content.orgid());
        assertEquals("US/Pacific", content.timezone());
        assertTrue(Files.isRegularFile(Path.of(content.file())), content.file());
        assertFalse(service.deadLetterStore().show(id, 10_000).truncated());
        String shortId = id.replaceFirst("/0+", "/");
        assertEquals(id, service.deadLetterStore().show(shortId, 10).letter().id(), "leading zeros optional");
    }

    @Test
    void aLargeFileBodyIsShownByItsHeadAndReplayedThroughABlob() throws Exception {
        api.thenAnswer(400, "400-unknown-part.json");
        DeliveryService service = start(api.url());
        byte[] body = new byte[(int) DeadLetters.LARGE + 4096];
        new java.util.Random(3).nextBytes(body);
        service.append(input(INPUT), List.of(Event.ofFile(Files.write(data.resolve("big.part"), body),
                "application/octet-stream")), null);
        await().until(() -> service.stats(INPUT).deadLettered() == 1);
        DeadLetterStore store = service.deadLetterStore();
        String id = store.list(List.of()).get(0).id();
        assertEquals(body.length, store.list(List.of()).get(0).size());

        DeadLetterContent content = store.show(id, 64);
        assertArrayEquals(Arrays.copyOf(body, 64), content.bodyStart());
        assertTrue(content.truncated());

        store.replay(List.of(id));
        await().until(() -> service.stats(INPUT).delivered() == 1);
        assertArrayEquals(body, api.requests().get(api.requests().size() - 1).part("file").body());
        assertEquals(List.of(), files(data.resolve("deadletter").resolve(FOLDER)), "no file left behind");
    }

    @Test
    void unknownOrMalformedIdsAreAClearErrorAndNothingIsDone() throws Exception {
        DeliveryService service = twoRefusedOfThree();
        DeadLetterStore store = service.deadLetterStore();
        String known = store.list(List.of()).get(0).id();

        for (String bad : List.of(FOLDER + "/1", "../outbox/1", "nosuchinput/00000000000000000001", "", "a b")) {
            UnknownDeadLetterException e = assertThrows(UnknownDeadLetterException.class,
                    () -> store.replay(List.of(known, bad)));
            assertEquals(List.of(bad), e.ids());
            assertTrue(e.getMessage().startsWith("no dead letter " + bad), e.getMessage());
        }
        assertThrows(UnknownDeadLetterException.class, () -> store.purge(List.of(known, "x/1")));
        assertThrows(UnknownDeadLetterException.class, () -> store.show("x/1", 10));
        assertEquals(2, store.list(List.of()).size(), "nothing replayed nor purged");
        assertEquals(List.of("bad-1", "bad-2", "good"), api.files(), "nothing posted again");
    }

    @Test
    void replayPutsTheEventsBackAndTheyAreDelivered() throws Exception {
        DeliveryService service = twoRefusedOfThree();
        DeadLetterStore store = service.deadLetterStore();
        List<String> ids = store.list(List.of()).stream().map(DeadLetter::id).toList();

        // the cause is fixed: the receiver now takes everything (its script is used up)
        List<String> replayed = store.replay(List.of(ids.get(1), ids.get(0), ids.get(1)));

        assertEquals(ids, replayed, "each once, in the order they were stored");
        await().until(() -> service.stats(INPUT).delivered() == 3);
        assertEquals(List.of("bad-1", "bad-2", "good", "bad-1", "bad-2"), replayedAfterTheFirstThree());
        assertEquals(List.of(), store.list(List.of()));
        assertEquals(0, service.stats(INPUT).deadLetters());
        assertEquals(List.of(), files(data.resolve("deadletter").resolve(FOLDER)), "no file left behind");
        assertThrows(UnknownDeadLetterException.class, () -> store.replay(ids), "replayed ones are gone");
    }

    @Test
    void replayedEventsAreDurablyInTheOutboxBeforeTheDeadLettersGo() throws Exception {
        DeliveryService first = twoRefusedOfThree();
        List<String> ids = first.deadLetterStore().list(List.of()).stream().map(DeadLetter::id).toList();
        first.apply(settings(closedPortUrl())); // the API is down: replayed events wait in the outbox
        first.deadLetterStore().replay(ids);
        await().until(() -> first.stats(INPUT).lastError().contains("Connect"));
        assertEquals(2, first.stats(INPUT).outboxDepth());
        stop(first);

        DeliveryService second = start(api.url());

        await().until(() -> second.stats(INPUT).delivered() == 2);
        assertEquals(List.of("bad-1", "bad-2", "good", "bad-1", "bad-2"), replayedAfterTheFirstThree());
        assertEquals(List.of(), second.deadLetterStore().list(List.of()));
    }

    @Test
    void purgeDeletesOnlyTheGivenOnes() throws Exception {
        DeliveryService service = twoRefusedOfThree();
        DeadLetterStore store = service.deadLetterStore();
        List<String> ids = store.list(List.of()).stream().map(DeadLetter::id).toList();

        assertEquals(List.of(ids.get(0)), store.purge(List.of(ids.get(0))));

        assertEquals(List.of(ids.get(1)), store.list(List.of()).stream().map(DeadLetter::id).toList());
        assertEquals(1, service.stats(INPUT).deadLetters());
        assertEquals(2, files(data.resolve("deadletter").resolve(FOLDER)).size(), "the other's .evt and .json");
        assertThrows(UnknownDeadLetterException.class, () -> store.purge(List.of(ids.get(0))));
        assertEquals(List.of("bad-1", "bad-2", "good"), api.files(), "nothing posted again");
    }

    @Test
    void deadLettersOfAnEarlierRunAreListedAndAnEventFileAloneIsIgnored() throws Exception {
        stop(twoRefusedOfThree());
        Path folder = data.resolve("deadletter").resolve(FOLDER);
        Files.writeString(folder.resolve("00000000000000000007.evt"), "left by a crash before its .json");

        DeliveryService second = start(api.url());

        assertEquals(2, second.deadLetterStore().list(List.of()).size());
        assertEquals(2, second.stats(INPUT).deadLetters());
        assertEquals(0, second.stats("nobody").deadLetters());
    }

    @Test
    void theTokenEchoedByTheApiIsNotInTheDeadLetter() throws Exception {
        api.thenAnswerBody(400, "{\"message\": \"bad header: Bearer " + TOKEN + "\"}");
        DeliveryService service = start(api.url());
        service.append(input(INPUT), List.of(event("e1")), null);
        await().until(() -> service.stats(INPUT).deadLettered() == 1);

        DeadLetter letter = service.deadLetterStore().list(List.of()).get(0);
        DeadLetterContent content = service.deadLetterStore().show(letter.id(), 1000);

        assertEquals("bad header: Bearer ***", letter.message());
        assertFalse(content.toString().contains(TOKEN), content.toString());
        assertFalse(new String(content.bodyStart(), StandardCharsets.UTF_8).contains(TOKEN));
    }

    @Test
    void statusShowsTheBackoffWithItsRetryTimeAndTheLastDelivery() throws Exception {
        api.thenAnswerRetryAfter(503, "500-db-down.json", "120");
        DeliveryService service = start(api.url());
        service.append(input(INPUT), List.of(event("e1")), null);

        await().until(() -> service.stats(INPUT).state() == DeliveryState.RETRYING);
        DeliveryStats waiting = service.stats(INPUT);
        assertEquals(NOW.plusSeconds(120), waiting.retryAt(), "Retry-After honoured");
        assertEquals(1, waiting.consecutiveFailures());
        assertEquals("503 Authentication database down!", waiting.lastError());
        assertEquals(null, waiting.lastDelivery());

        service.apply(settings(api.url())); // a configuration change ends the wait

        await().until(() -> service.stats(INPUT).delivered() == 1
                && service.stats(INPUT).state() == DeliveryState.IDLE);
        DeliveryStats done = service.stats(INPUT);
        assertEquals(null, done.retryAt());
        assertEquals(0, done.consecutiveFailures());
        assertEquals(NOW, done.lastDelivery());
    }

    @Test
    void statusShowsTheTokenPause() throws Exception {
        api.thenAnswer(401, "401-revoked.json");
        DeliveryService service = start(api.url());
        service.append(input(INPUT), List.of(event("e1"), event("e2")), null);

        await().until(() -> service.stats(INPUT).state() == DeliveryState.TOKEN_REJECTED
                && service.stats(INPUT).retryAt() != null);
        assertEquals(NOW.plus(Duration.ofMinutes(5)), service.stats(INPUT).retryAt(), "the next probe");
        assertTrue(service.stats(INPUT).tokenRejected());
        assertEquals(0, service.stats(INPUT).deadLetters(), "the first 401 already pauses; no record is refused");
    }

    // ---- helpers

    /** Three events, the first two refused with 400; one after the other, as several go out at once. */
    private DeliveryService twoRefusedOfThree() throws IOException {
        api.thenAnswer(400, "400-unknown-part.json").thenAnswer(400, "400-unknown-part.json");
        DeliveryService service = start(api.url());
        service.append(input(INPUT), List.of(event("bad-1")), null);
        await().until(() -> service.stats(INPUT).deadLettered() == 1);
        service.append(input(INPUT), List.of(event("bad-2")), null);
        await().until(() -> service.stats(INPUT).deadLettered() == 2);
        service.append(input(INPUT), List.of(event("good")), null);
        await().until(() -> service.stats(INPUT).delivered() == 1);
        return service;
    }

    /** The files posted, the replayed ones after the first three sorted: they go out together, in any order. */
    private List<String> replayedAfterTheFirstThree() {
        List<String> files = api.files();
        List<String> out = new java.util.ArrayList<>(files.subList(0, Math.min(3, files.size())));
        files.subList(Math.min(3, files.size()), files.size()).stream().sorted().forEach(out::add);
        return out;
    }

    private DeliveryService start(String url) {
        // retries after a few ms instead of seconds; the token pause (5 min) only ends by a config change
        DeliveryTiming timing = new DeliveryTiming(Clock.fixed(NOW, ZoneOffset.UTC),
                Executors.newSingleThreadScheduledExecutor(), new Backoff(Duration.ofMillis(1), () -> 1.0),
                Duration.ofMinutes(5));
        DeliveryService service = new DeliveryService(data, settings(url), timing, new SecretResolver(name -> null));
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

    private static InputConfig input(String name) {
        return new InputConfig("websocket", name, "org1", "unr-honeypot", ZoneId.of("US/Pacific"),
                Duration.ofHours(1), true, Map.of());
    }

    private static Event event(String text) {
        return Event.ofText(text, "application/json");
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    /** A loopback URL where nothing listens: the port of a socket just closed. */
    private static String closedPortUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/api/v1.0/raw";
        }
    }
}
