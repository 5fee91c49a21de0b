package org.cybexp.input.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.Network;
import org.cybexp.input.api.StopRequestedException;
import org.cybexp.input.core.http.HttpClientSettings;
import org.cybexp.input.core.http.InputHttpSettings;
import org.cybexp.input.core.network.InputNetwork;
import org.cybexp.input.core.network.ServerTlsSettings;
import org.cybexp.input.core.store.DedupStore;
import org.cybexp.input.core.store.StateStore;
import org.cybexp.input.core.testing.Configs;
import org.cybexp.input.core.testing.DirEventStore;
import org.cybexp.input.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFetchContextTest {

    @TempDir
    Path dir;

    private static final Network NETWORK = new InputNetwork(new InputHttpSettings(HttpClientSettings.DEFAULT,
            "ua-test/1", Duration.ofSeconds(10)), ServerTlsSettings.NONE);

    private final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
    private final InputConfig config = Configs.input("feed", 60);
    private final FetchCounters counters = new FetchCounters();
    private DirEventStore outbox;
    private StateStore state;
    private DedupStore dedup;

    @BeforeEach
    void openStores() throws Exception {
        outbox = new DirEventStore(dir.resolve("outbox"));
        reopen();
    }

    @AfterEach
    void closeStores() throws Exception {
        dedup.close();
    }

    private void reopen() throws Exception {
        if (dedup != null) {
            dedup.close();
        }
        state = StateStore.open(dir.resolve("state"));
        dedup = DedupStore.open(dir.resolve("state"), 180, clock);
    }

    private InputFetchContext context() {
        return new InputFetchContext(config, outbox, dedup, state, counters, clock,
                HttpAccessProvider.of(NETWORK, (s, r) -> {
                    throw new AssertionError("no HTTP here");
                }));
    }

    private static Event event(String text, String... keys) {
        return Event.ofText(text, "text/plain").withDedupKeys(List.of(keys));
    }

    @Test
    void theNetworkIsTheProvidersOneForEveryCall() {
        assertSame(NETWORK, context().network());
        assertSame(context().network(), context().network());
    }

    @Test
    void eventsAreStoredBeforeTheStateIsCommitted() throws Exception {
        InputFetchContext ctx = context();
        ctx.emit(event("one", "k1"));
        ctx.state().put("cursor", "1");
        assertEquals(List.of(), outbox.stored("feed"), "nothing is stored before a checkpoint");
        assertTrue(state.get("cursor").isEmpty());
        assertEquals(Optional.of("1"), ctx.state().get("cursor"), "reads see staged writes");

        ctx.complete();
        assertEquals(List.of("one"), outbox.stored("feed"));
        assertEquals(Optional.of("1"), StateStore.open(dir.resolve("state")).get("cursor"));
        assertEquals(1, counters.fetched());
    }

    @Test
    void theEventsTheirDedupKeysAndTheStateAreStoredInOneAppend() throws Exception {
        InputFetchContext ctx = context();
        ctx.emit(event("one", "k1"));
        ctx.state().put("cursor", "7");
        ctx.complete();

        assertEquals(1, outbox.appends(), "one durable step");
        BatchCommit commit = BatchCommit.decode(outbox.lastCommit("feed").orElseThrow());
        assertEquals(List.of(org.cybexp.input.core.store.DedupKey.of("k1")), commit.keys());
        assertEquals(Optional.of("7"), commit.state().get("cursor"));
        assertEquals(Optional.of(Long.toString(commit.seq())), state.get(BatchCommit.APPLIED));
    }

    @Test
    void dedupKeysSurviveAReopenOfTheStores() throws Exception {
        InputFetchContext first = context();
        first.emit(event("a", "url-a"));
        first.emit(event("no keys"));
        first.complete();
        first.end();

        reopen();
        InputFetchContext second = context();
        assertTrue(second.seen("url-a"));
        second.emit(event("a again", "url-a"));
        second.emit(event("a and b", "url-a", "url-b"));
        second.emit(event("b in the same batch", "url-b"));
        second.emit(event("no keys"));
        second.complete();

        assertEquals(List.of("a", "no keys", "a and b", "no keys"), outbox.stored("feed"));
        assertEquals(2, counters.duplicates());
    }

    @Test
    void aFailedFetchDiscardsItsUnstoredEventsAndStagedState() throws Exception {
        InputFetchContext ctx = context();
        ctx.emit(event("kept", "k1"));
        ctx.state().put("cursor", "1");
        ctx.checkpoint();
        ctx.emit(event("lost", "k2"));
        ctx.state().put("cursor", "2");
        ctx.abandon();
        ctx.end();

        assertEquals(List.of("kept"), outbox.stored("feed"));
        assertEquals(Optional.of("1"), state.get("cursor"));
        assertFalse(context().seen("k2"), "the dedup key of an unstored event is not committed");
    }

    @Test
    void aFullBatchIsFlushedWithoutCommittingTheState() throws Exception {
        InputFetchContext ctx = context();
        ctx.state().put("cursor", "end");
        for (int i = 0; i < InputFetchContext.MAX_BATCH_EVENTS; i++) {
            ctx.emit(event("e" + i, "k" + i));
        }
        assertEquals(1, outbox.appends());
        assertEquals(InputFetchContext.MAX_BATCH_EVENTS, counters.fetched());
        assertTrue(state.get("cursor").isEmpty());
    }

    @Test
    void aStoreFailureCommitsNothing() throws Exception {
        InputFetchContext ctx = context();
        ctx.emit(event("x", "k"));
        ctx.state().put("cursor", "1");
        outbox.failing(true);
        assertThrows(UncheckedIOException.class, ctx::checkpoint);
        assertFalse(dedup.seen(org.cybexp.input.core.store.DedupKey.of("k")));
        assertTrue(state.get("cursor").isEmpty());
    }

    @Test
    void anImmediateStopRefusesEmitsAndClosesRegisteredResources() throws Exception {
        InputFetchContext ctx = context();
        AtomicBoolean closed = new AtomicBoolean();
        Closeable socket = () -> closed.set(true);
        ctx.closeOnStop(socket);
        assertFalse(ctx.stopRequested());

        ctx.requestStop(true, new Thread(() -> { }));
        assertTrue(closed.get());
        assertTrue(ctx.stopRequested() && ctx.stopNow());
        assertThrows(StopRequestedException.class, () -> ctx.emit(event("late")));
        assertTrue(ctx.awaitStop(Duration.ofDays(1)), "returns at once once stopped");
    }

    @Test
    void resourcesAreClosedWhenTheCallEnds() {
        InputFetchContext ctx = context();
        AtomicBoolean closed = new AtomicBoolean();
        ctx.closeOnStop(() -> closed.set(true));
        ctx.end();
        assertTrue(closed.get());
    }

    @Test
    void awaitStopWakesUpOnAGracefulStop() throws Exception {
        InputFetchContext ctx = context();
        assertFalse(ctx.awaitStop(Duration.ofMillis(1)));
        Thread stopper = new Thread(() -> ctx.requestStop(false, Thread.currentThread()));
        stopper.start();
        assertTrue(ctx.awaitStop(Duration.ofMinutes(1)));
        assertFalse(ctx.stopNow());
    }

    @Test
    void malformedRecordsAreCountedAndProgressKept() {
        InputFetchContext ctx = context();
        ctx.malformed("not JSON", "\u0001{bad".getBytes());
        ctx.progress("120/500");
        assertEquals(1, counters.malformed());
        assertEquals("120/500", counters.detail());
    }

    @Test
    void statusDetailsAreSnapshotsTheInputCanGoOnChanging() {
        InputFetchContext ctx = context();
        java.util.Map<String, Object> file = new java.util.LinkedHashMap<>();
        file.put("path", "/var/log/eve.json");
        file.put("offset", 42L);
        java.util.List<Object> files = new java.util.ArrayList<>(java.util.List.of(file));
        ctx.statusDetail("files", files);
        ctx.statusDetail("udp_drops", new long[] {3, 4});
        file.put("offset", 99L);
        files.add("later");

        java.util.Map<String, Object> shown = counters.details();
        assertEquals(java.util.List.of(java.util.Map.of("path", "/var/log/eve.json", "offset", 42L)),
            shown.get("files"));
        assertEquals(java.util.List.of(3L, 4L), shown.get("udp_drops"));
        assertThrows(UnsupportedOperationException.class, () -> shown.put("x", 1));

        ctx.statusDetail("udp_drops", null);
        assertFalse(counters.details().containsKey("udp_drops"));
        assertThrows(IllegalArgumentException.class, () -> ctx.statusDetail(" ", 1));
    }

    @Test
    void samplesAreEscapedAndCut() {
        byte[] sample = new byte[100];
        sample[0] = 'a';
        sample[1] = '\n';
        String text = SampleText.of(sample);
        assertTrue(text.startsWith("a\\x0a\\x00"), text);
        assertTrue(text.endsWith("..."));
        assertEquals(1 + 4 * 63 + 3, text.length(), "64 bytes shown");
    }
}
