package org.cybexp.input.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.core.control.DeliveryState;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.delivery.store.InputFolder;
import org.cybexp.input.testkit.LoopbackRawApi;
import org.cybexp.input.testkit.LoopbackRawApi.Exchange;
import org.cybexp.input.testkit.LoopbackRawApi.Outcome;
import org.cybexp.input.testkit.LoopbackRawApi.Post;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.cybexp.input.core.control.Backoff;

/**
 * The delivery path against an API that misbehaves: the real {@link DeliveryService}, its segment outboxes on a
 * temporary folder and the {@code ApiSink}, posting over loopback to a {@link LoopbackRawApi} that goes down,
 * answers 5xx and 429 bursts, resets connections, answers too late or refuses records, with the default window
 * of posts in flight per input. Every test checks the records the receiver holds against the records appended:
 * none lost, duplicates only where the API kept a record whose answer the client never saw (a timeout, or the
 * API going down with posts in flight). Several posts of an input are in flight at once, so their order is not
 * checked (it is not promised); {@code withOnePostInFlightTheOrderIsKept} checks that max_in_flight 1 keeps it.
 */
class DeliveryFaultTest {

    private static final String TOKEN = "fault-test-token-93c1";
    private static final String A = "input a";
    private static final String B = "input-b";
    /** The pool of these tests: with two inputs, fewer than their windows, so posts also wait for a connection. */
    private static final int CONNECTIONS = 4;

    @TempDir
    Path data;

    private LoopbackRawApi api;
    private final List<DeliveryService> running = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startApi() throws IOException {
        api = new LoopbackRawApi(TOKEN);
    }

    @AfterEach
    void stopAll() {
        running.forEach(DeliveryService::deactivate);
        api.close();
    }

    @Test
    void apiDownWhileInputsKeepAppendingThenEveryRecordIsDelivered() throws IOException {
        DeliveryService service = start(Duration.ofSeconds(5));
        api.down();
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();

        appendBatches(service, A, a, 10, 10);
        appendBatches(service, B, b, 10, 10);
        await().until(() -> service.stats(A).consecutiveFailures() >= 4 && service.stats(B).consecutiveFailures() >= 4);
        DeliveryStats down = service.stats(A);
        assertTrue(down.lastError().contains("Connect"), down.lastError());
        assertEquals(100, down.outboxDepth(), "everything waits in the outbox");
        appendBatches(service, A, a, 5, 10); // the input keeps producing while the API is down
        api.up();
        appendBatches(service, A, a, 5, 10); // and after it came back, while the backlog drains
        appendBatches(service, B, b, 10, 10);

        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(service, A) == 200 && delivered(service, B) == 200);
        assertExactlyOnce(a, bodies(A));
        assertExactlyOnce(b, bodies(B));
        assertEquals(0, service.stats(A).outboxDepth());
        assertEquals(0, service.stats(A).deadLettered());
    }

    @Test
    void serverErrorBurstsAreRetriedUntilDeliveredWithoutDuplicates() throws IOException {
        api.failNext(4, 500, null).passNext(5).failNext(3, 503, null).passNext(5).failNext(2, 502, null);
        DeliveryService service = start(Duration.ofSeconds(5));
        List<String> a = new ArrayList<>();

        appendBatches(service, A, a, 4, 5);

        await().until(() -> delivered(service, A) == 20);
        assertExactlyOnce(a, bodies(A));
        assertEquals(9, count(Outcome.FAILED));
        assertTrue(a.containsAll(failedBodies()), "the records a burst hit were retried until taken");
        assertEquals(DeliveryState.IDLE, awaitIdle(service, A).state());
    }

    @Test
    void retryAfterOf429And503IsHonouredAndShownInStatus() throws IOException {
        api.failNext(1, 429, "1").failNext(1, 503, "1").failNext(1, 500, null);
        DeliveryService service = start(Duration.ofSeconds(5));
        List<String> a = new ArrayList<>();

        appendBatches(service, A, a, 1, 1); // one record first: each wait is then probed by one post

        DeliveryStats waiting = await().until(() -> service.stats(A), s -> s.state() == DeliveryState.RETRYING);
        assertTrue(waiting.retryAt() != null && waiting.lastError().startsWith("429"), waiting.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered(service, A) == 1);
        appendBatches(service, A, a, 1, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered(service, A) == 3);
        assertExactlyOnce(a, bodies(A));
        List<Exchange> log = api.exchanges();
        assertEquals(List.of(429, 503, 500, 201, 201, 201), log.stream().map(Exchange::status).toList());
        assertTrue(gapMillis(log, 0) >= 1000, "no request within the 429's Retry-After: " + gapMillis(log, 0));
        assertTrue(gapMillis(log, 1) >= 1000, "no request within the 503's Retry-After: " + gapMillis(log, 1));
        // without Retry-After the backoff of this test's schedule is milliseconds: the wait above was the header
        assertTrue(gapMillis(log, 2) < 900, "a 500 without Retry-After is retried after the backoff");
    }

    @Test
    void connectionResetMidRequestIsRetriedWithoutLossOrDuplicates() throws IOException {
        api.resetNext(3);
        DeliveryService service = start(Duration.ofSeconds(5));
        List<String> a = new ArrayList<>();

        appendBatches(service, A, a, 2, 5);

        await().until(() -> delivered(service, A) == 10);
        assertExactlyOnce(a, bodies(A));
        assertEquals(3, count(Outcome.RESET));
        assertTrue(service.stats(A).lastError().toLowerCase().contains("reset")
                || service.stats(A).lastError().contains("NoHttpResponse"), service.stats(A).lastError());
    }

    @Test
    void slowAnswersPastTheTimeoutAreRetriedAndOnlyTheyCauseDuplicates() throws IOException {
        api.slowNext(2, Duration.ofMillis(1500));
        DeliveryService service = start(Duration.ofMillis(300));
        List<String> a = new ArrayList<>();

        appendBatches(service, A, a, 2, 4);

        await().atMost(Duration.ofSeconds(15)).until(() -> delivered(service, A) == 8);
        List<String> received = bodies(A);
        assertWithoutLoss(a, received);
        // the API kept the record each time, but the client timed out first and sent it again
        assertEquals(2, received.size() - new LinkedHashSet<>(received).size(), "one duplicate per late answer");
        assertTrue(service.stats(A).lastError().contains("imeout") || service.stats(A).lastError().contains("timed out"),
                service.stats(A).lastError());
    }

    @Test
    void recordsRefusedForGoodAreDeadLetteredWithTheAnswerAndTheRestDelivered() throws IOException {
        api.refuse(post -> post.fileText().endsWith("-bad"));
        api.failNext(2, 503, null);
        DeliveryService service = start(Duration.ofSeconds(5));
        List<String> appended = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            appended.add(A + ":" + i + (i % 4 == 1 ? "-bad" : ""));
        }
        service.append(input(A), appended.stream().map(t -> Event.ofText(t, "text/plain")).toList(), null);

        await().until(() -> service.stats(A).delivered() + service.stats(A).deadLettered() == 12);
        List<String> bad = appended.stream().filter(t -> t.endsWith("-bad")).toList();
        List<String> good = appended.stream().filter(t -> !t.endsWith("-bad")).toList();
        assertExactlyOnce(good, bodies(A));
        assertEquals(sorted(bad), sorted(api.refusedPosts().stream().map(Post::fileText).toList()), "each refused once");
        DeliveryStats stats = service.stats(A);
        assertEquals(3, stats.deadLettered());
        assertEquals(3, stats.deadLetters());
        assertEquals(0, stats.outboxDepth());

        Path dir = data.resolve("deadletter").resolve(InputFolder.of(A));
        ObjectMapper json = new ObjectMapper();
        List<String> kept = new ArrayList<>();
        for (Path reason : list(dir, ".json")) {
            JsonNode answer = json.readTree(reason.toFile());
            assertEquals(400, answer.get("status").asInt());
            assertEquals("Invalid input: typetag", answer.get("message").asText());
            String event = Files.readString(Path.of(reason.toString().replace(".json", ".evt")));
            kept.add(event.substring(event.lastIndexOf('\n') + 1));
        }
        assertEquals(bad, kept, "the refused records, with the API's answer beside each");
    }

    @Test
    void aTruncatedSegmentTailIsReportedAtStartAndTheIntactRecordsAreDelivered() throws IOException {
        api.down();
        DeliveryService first = start(Duration.ofSeconds(5));
        List<String> a = new ArrayList<>();
        appendBatches(first, A, a, 1, 5, "", "commit-1");
        appendBatches(first, A, a, 1, 5, "", "commit-2");
        Path segment = single(data.resolve("outbox").resolve(InputFolder.of(A)), ".seg");
        long intactEnd = Files.size(segment);
        appendBatches(first, A, a, 1, 5, "", "commit-3");
        stop(first);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(intactEnd + 30); // a torn last write: its first record cut in the middle
        }
        api.up();

        DeliveryService second = start(Duration.ofSeconds(5));

        String report = second.stats(A).lastError();
        assertTrue(report != null && report.contains("torn or damaged tail") && report.contains("cut off"), report);
        // the torn batch's commit went with it: the core fetches its records again instead of skipping them
        assertEquals("commit-2", new String(second.lastCommit(A).orElseThrow(), StandardCharsets.UTF_8));
        await().until(() -> delivered(second, A) == 10);
        assertExactlyOnce(a.subList(0, 10), bodies(A));
        assertEquals(30, Files.size(single(data.resolve("outbox").resolve(InputFolder.of(A)).resolve("corrupt"), "")),
                "the cut bytes are kept for a person to look at");

        List<String> later = new ArrayList<>();
        appendBatches(second, A, later, 1, 5); // appends go on after the intact records
        await().until(() -> delivered(second, A) == 15);
        List<String> expected = new ArrayList<>(a.subList(0, 10));
        expected.addAll(later);
        assertExactlyOnce(expected, bodies(A));
        stop(second);
        DeliveryService third = start(Duration.ofSeconds(5));
        assertEquals(null, third.stats(A).lastError(), "nothing damaged any more");
        assertEquals(0, third.stats(A).outboxDepth());
    }

    @Test
    void aFullOutboxStopsAcceptingAndAcceptsAgainOnceDrained() throws IOException {
        api.down();
        DeliveryService service = start(Duration.ofSeconds(5));
        service.caps(new OutboxCaps(20_000, 1_000_000));
        List<String> a = new ArrayList<>();
        String padding = "x".repeat(200);

        // the core asks accepting() before each fetch and holds while it is false (state BACK_PRESSURE)
        while (service.accepting(A)) {
            appendBatches(service, A, a, 1, 10, padding);
        }
        long held = service.stats(A).outboxDepth();
        // each stored event is 200-600 bytes: the 20 kB cap stops it at 33-100 events, plus the last batch
        assertTrue(held >= 30 && held <= 110, "the cap holds the outbox near 20 kB: " + held + " events");
        assertTrue(service.accepting(B), "another input is not held by this one's cap");
        api.up();

        await().atMost(Duration.ofSeconds(20)).until(() -> service.accepting(A));
        while (a.size() < 300) {
            if (service.accepting(A)) {
                appendBatches(service, A, a, 1, 10, padding);
            } else {
                await().until(() -> service.accepting(A));
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(service, A) == 300);
        assertExactlyOnce(a, bodiesWithout(A, padding));
        assertTrue(service.accepting(A));
    }

    @Test
    void mixedFaultsOnTwoInputsLoseNothingAndDuplicateOnlyWhereTheClientTimedOut() throws IOException {
        Random random = new Random(20240506);
        int slow = 0;
        for (int i = 0; i < 30; i++) {
            api.passNext(random.nextInt(3)); // a few good answers between faults keep the backoff short
            switch (random.nextInt(5)) {
                case 0 -> api.failNext(1, 500, null);
                case 1 -> api.failNext(1, 503, "0");
                case 2 -> api.failNext(1, 429, null);
                case 3 -> api.resetNext(1);
                default -> {
                    api.slowNext(1, Duration.ofMillis(400));
                    slow++;
                }
            }
        }
        DeliveryService service = start(Duration.ofMillis(200));
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            appendBatches(service, A, a, 1, 8);
            appendBatches(service, B, b, 1, 8);
            if (round == 5) {
                api.down();
                await().until(() -> service.stats(A).lastError().contains("Connect"));
                api.up();
            }
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> api.faultsPending() == 0
                && delivered(service, A) == 80 && delivered(service, B) == 80);
        List<String> ra = bodies(A);
        List<String> rb = bodies(B);
        assertWithoutLoss(a, ra);
        assertWithoutLoss(b, rb);
        int duplicates = ra.size() - new LinkedHashSet<>(ra).size() + rb.size() - new LinkedHashSet<>(rb).size();
        // a late answer duplicates its record; so may the going down, for each post kept but not yet answered
        assertTrue(duplicates <= slow + CONNECTIONS, duplicates + " duplicates, " + slow + " late answers");
        System.out.printf("DeliveryFaultTest: mixed faults: 160 records, %d requests, %d duplicates (%d late answers)%n",
                api.exchanges().size(), duplicates, slow);
    }

    @Test
    void postsOfOneInputOverlapUpToMaxInFlightAgainstASlowApi() throws IOException {
        api.latency(Duration.ofMillis(150)); // an API on another server: every post takes a while
        DeliveryService service = start(new SinkSettings(api.url(), TOKEN, Duration.ofSeconds(10), 0, true, "", 6));
        List<String> a = new ArrayList<>();

        appendBatches(service, A, a, 1, 30);

        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(service, A) == 30);
        assertExactlyOnce(a, bodies(A));
        int overlap = mostInFlight(api.exchanges());
        assertTrue(overlap <= 6, "never more than max_in_flight posts at once: " + overlap);
        assertTrue(overlap >= 3, "several posts at once (the pool sized to match by default): " + overlap);
        assertEquals(0, service.stats(A).outboxDepth());
    }

    @Test
    void aSlowPostHoldsOnlyItsOwnSlotWhileTheOthersGoOn() throws IOException {
        api.slowNext(1, Duration.ofSeconds(3)); // kept, but answered late; the client waits (timeout 10 s)
        DeliveryService service = start(Duration.ofSeconds(10));
        List<String> a = new ArrayList<>();

        appendBatches(service, A, a, 1, 20);

        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(service, A) == 20);
        List<Exchange> log = api.exchanges();
        Exchange slow = log.stream().max(Comparator.comparingLong(e -> e.answeredNanos() - e.receivedNanos()))
                .orElseThrow();
        long beforeIt = log.stream().filter(e -> e != slow && e.answeredNanos() < slow.answeredNanos()).count();
        assertEquals(19, beforeIt, "the 19 others were delivered while the slow one waited for its answer");
        assertExactlyOnce(a, bodies(A));
    }

    @Test
    void postsInFlightThatFailTogetherAreOneFailureOfTheApiNotAStreak() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        api.holdAnswersUntil(release);
        api.failNext(8, 503, null); // a blip of the API hits the whole window at once
        // a base of 100 ms: one failure waits 0.3 s; each of the 8 counted would make it 2^8 x 0.1 s = 25.6 s
        DeliveryService service = start(new SinkSettings(api.url(), TOKEN, Duration.ofSeconds(10), 0, true, ""),
                Duration.ofMillis(100));
        List<String> a = new ArrayList<>();

        appendBatches(service, A, a, 1, 20);
        await().until(() -> api.requests().size() >= 8);
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered(service, A) == 20);
        assertExactlyOnce(a, bodies(A));
        assertEquals(8, count(Outcome.FAILED));
    }

    @Test
    void statusCountsTheFailuresOfTheBackoffNotEveryPostThatFailedWithThem() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        api.holdAnswersUntil(release);
        api.failNext(8, 503, null);
        // a base of 10 s: the wait after the blip outlasts the test, so status is read before any success
        DeliveryService service = start(new SinkSettings(api.url(), TOKEN, Duration.ofSeconds(10), 0, true, ""),
                Duration.ofSeconds(10));
        appendBatches(service, A, new ArrayList<>(), 1, 8);
        await().until(() -> api.requests().size() >= 8);
        release.countDown();

        await().until(() -> count(Outcome.FAILED) == 8 && service.stats(A).lastError() != null);
        await().until(() -> service.stats(A).retryAt() != null);
        assertEquals(1, service.stats(A).consecutiveFailures(), "the status says what the log and the backoff say");
    }

    @Test
    void withOnePostInFlightTheOrderIsKept() throws IOException {
        api.failNext(2, 503, null).passNext(3).resetNext(1);
        DeliveryService service = start(new SinkSettings(api.url(), TOKEN, Duration.ofSeconds(5), 0, true, "", 1));
        List<String> a = new ArrayList<>();

        appendBatches(service, A, a, 3, 5);

        await().until(() -> delivered(service, A) == 15);
        assertEquals(a, bodies(A), "max_in_flight 1: one post at a time, in the order appended");
        assertEquals(1, mostInFlight(api.exchanges()));
    }

    // ---- helpers

    /** The most requests the API was handling at one moment. */
    private static int mostInFlight(List<Exchange> log) {
        int most = 0;
        for (Exchange e : log) {
            int at = (int) log.stream()
                    .filter(o -> o.receivedNanos() <= e.receivedNanos() && o.answeredNanos() > e.receivedNanos()).count();
            most = Math.max(most, at);
        }
        return most;
    }

    private DeliveryService start(Duration timeout) {
        return start(new SinkSettings(api.url(), TOKEN, timeout, CONNECTIONS, true, ""));
    }

    private DeliveryService start(SinkSettings settings) {
        // the test's backoff: 2, 4, 8... ms instead of seconds; Retry-After is taken as the API sends it
        return start(settings, Duration.ofMillis(1));
    }

    /** @param backoffBase the unit of the backoff's exponential (1 s in production), its jitter always 1 */
    private DeliveryService start(SinkSettings settings, Duration backoffBase) {
        DeliveryTiming timing = new DeliveryTiming(Clock.systemUTC(), Executors.newSingleThreadScheduledExecutor(),
                new Backoff(backoffBase, () -> 1.0), Duration.ofMinutes(5));
        DeliveryService service = new DeliveryService(data, settings, timing, new SecretResolver(name -> null));
        running.add(service);
        return service;
    }

    private void stop(DeliveryService service) {
        running.remove(service);
        service.deactivate();
    }

    /** Appends {@code batches} batches of {@code size} records {@code <input>:<n>}, remembering them in order. */
    private static void appendBatches(DeliveryService service, String input, List<String> appended, int batches,
            int size) throws IOException {
        appendBatches(service, input, appended, batches, size, "");
    }

    private static void appendBatches(DeliveryService service, String input, List<String> appended, int batches,
            int size, String padding) throws IOException {
        appendBatches(service, input, appended, batches, size, padding, null);
    }

    /** @param commit the core's commit record stored with each batch, as text; null for none */
    private static void appendBatches(DeliveryService service, String input, List<String> appended, int batches,
            int size, String padding, String commit) throws IOException {
        for (int i = 0; i < batches; i++) {
            List<Event> events = new ArrayList<>();
            for (int j = 0; j < size; j++) {
                String text = input + ":" + appended.size();
                appended.add(text);
                events.add(Event.ofText(text + padding, "text/plain"));
            }
            service.append(input(input), events, commit == null ? null : commit.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static long delivered(DeliveryService service, String input) {
        return service.stats(input).delivered();
    }

    private static DeliveryStats awaitIdle(DeliveryService service, String input) {
        return await().until(() -> service.stats(input), s -> s.state() == DeliveryState.IDLE);
    }

    /** The file texts the API accepted for an input, in arrival order, duplicates included. */
    private List<String> bodies(String input) {
        return api.posts().stream().filter(p -> input.equals(p.fields().get("name"))).map(Post::fileText).toList();
    }

    private List<String> bodiesWithout(String input, String padding) {
        return bodies(input).stream().map(t -> t.substring(0, t.length() - padding.length())).toList();
    }

    private List<String> failedBodies() {
        return api.exchanges().stream().filter(e -> e.outcome() == Outcome.FAILED).map(e -> e.post().fileText())
                .distinct().toList();
    }

    private long count(Outcome outcome) {
        return api.exchanges().stream().filter(e -> e.outcome() == outcome).count();
    }

    /** Milliseconds from the answer of exchange {@code i} to the arrival of the next request. */
    private static long gapMillis(List<Exchange> log, int i) {
        return TimeUnit.NANOSECONDS.toMillis(log.get(i + 1).receivedNanos() - log.get(i).answeredNanos());
    }

    private static void assertExactlyOnce(List<String> appended, List<String> received) {
        assertEquals(sorted(appended), sorted(received), "every record exactly once");
    }

    /** Every record arrived, none that was not appended (retries may repeat one). */
    private static void assertWithoutLoss(List<String> appended, List<String> received) {
        assertEquals(Set.copyOf(appended), Set.copyOf(received), "every record, and only those");
        assertEquals(appended.size(), Set.copyOf(appended).size());
    }

    private static List<String> sorted(List<String> texts) {
        return texts.stream().sorted().toList();
    }

    private static InputConfig input(String name) {
        return new InputConfig("test", name, "org1", "test-typetag", ZoneOffset.UTC, Duration.ofHours(1), true,
                Map.of());
    }

    private static List<Path> list(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static Path single(Path dir, String suffix) throws IOException {
        List<Path> found = list(dir, suffix).stream().filter(Files::isRegularFile).toList();
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }
}
