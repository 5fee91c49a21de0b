package org.cybexp.input.core.fetch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.cybexp.input.api.EmitResult;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.Network;
import org.cybexp.input.api.StopRequestedException;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.core.control.EventStore;
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

/** {@code emitDurably}: the stage completes after the disk has the event, and threads share an fsync. */
class DurableEmitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
    private final FetchCounters counters = new FetchCounters();
    private GatedStore outbox;
    private StateStore state;
    private DedupStore dedup;

    @BeforeEach
    void openStores() throws Exception {
        outbox = new GatedStore(new DirEventStore(dir.resolve("outbox")));
        state = StateStore.open(dir.resolve("state"));
        dedup = DedupStore.open(dir.resolve("state"), 180, clock);
    }

    @AfterEach
    void closeStores() throws Exception {
        outbox.open();
        dedup.close();
    }

    private static final Network NO_NETWORK = new InputNetwork(new InputHttpSettings(HttpClientSettings.DEFAULT,
            "ua-test/1", Duration.ofSeconds(10)), ServerTlsSettings.NONE);

    private InputFetchContext context(InputConfig config) {
        return new InputFetchContext(config, outbox, dedup, state, counters, clock,
                HttpAccessProvider.of(NO_NETWORK, (s, r) -> {
                    throw new AssertionError("no HTTP here");
                }));
    }

    private InputFetchContext context() {
        return context(Configs.input("listener", 60));
    }

    private static Event event(String text, String... keys) {
        return Event.ofText(text, "text/plain").withDedupKeys(List.of(keys));
    }

    @Test
    void theStageCompletesOnlyAfterTheAppend() throws Exception {
        InputFetchContext ctx = context();
        outbox.close();
        CompletableFuture<EmitResult> stage = ctx.emitDurably(event("one", "k1")).toCompletableFuture();
        outbox.awaitBlocked();
        assertFalse(stage.isDone(), "not acknowledged while the append has not returned");
        assertEquals(List.of(), outbox.inner.stored("listener"));

        outbox.open();
        assertEquals(EmitResult.STORED, stage.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("one"), outbox.inner.stored("listener"));
        assertTrue(ctx.seen("k1"), "its dedup key is committed with it");
        ctx.end();
    }

    @Test
    void eventsOfManyThreadsShareAnAppend() throws Exception {
        InputFetchContext ctx = context();
        outbox.close();
        CompletableFuture<EmitResult> first = ctx.emitDurably(event("first")).toCompletableFuture();
        outbox.awaitBlocked(); // the storing thread is inside the first append: the next ones queue up
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<CompletableFuture<EmitResult>> rest = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch emitted = new CountDownLatch(40);
        for (int i = 0; i < 40; i++) {
            String text = "e" + i;
            senders.execute(() -> {
                rest.add(ctx.emitDurably(event(text)).toCompletableFuture());
                emitted.countDown();
            });
        }
        assertTrue(emitted.await(10, TimeUnit.SECONDS), "emitDurably never blocks, even while a store runs");
        senders.shutdown();
        outbox.open();
        assertEquals(EmitResult.STORED, first.get(10, TimeUnit.SECONDS));
        for (CompletableFuture<EmitResult> stage : rest) {
            assertEquals(EmitResult.STORED, stage.get(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of(1, 40), outbox.batchSizes(), "the 40 queued during the first fsync share the second");
        assertEquals(41, outbox.inner.stored("listener").size());
        ctx.end();
    }

    @Test
    void aSeenEventIsADuplicateAndAFullOutboxRefusesAtOnce() throws Exception {
        InputFetchContext ctx = context();
        assertEquals(EmitResult.STORED, ctx.emitDurably(event("one", "k1")).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(EmitResult.DUPLICATE, ctx.emitDurably(event("again", "k1")).toCompletableFuture()
                .get(10, TimeUnit.SECONDS));

        outbox.inner.accepting(false);
        assertFalse(ctx.accepting());
        CompletableFuture<EmitResult> refused = ctx.emitDurably(event("two", "k2")).toCompletableFuture();
        assertTrue(refused.isDone(), "back-pressure answers without waiting");
        assertEquals(EmitResult.REFUSED_FULL, refused.get());
        assertEquals(1, counters.refused());
        assertFalse(ctx.seen("k2"), "a refused event is not stored");
        assertEquals(List.of("one"), outbox.inner.stored("listener"));

        outbox.inner.accepting(true);
        assertTrue(ctx.accepting());
        ctx.end();
    }

    @Test
    void aFailedAppendFailsTheStageAndStoresNothing() throws Exception {
        InputFetchContext ctx = context();
        outbox.inner.failing(true);
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> ctx.emitDurably(event("one", "k1")).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(UncheckedIOException.class, failure.getCause());
        assertFalse(ctx.seen("k1"));
        outbox.inner.failing(false);
        assertEquals(EmitResult.STORED, ctx.emitDurably(event("one", "k1")).toCompletableFuture().get(10, TimeUnit.SECONDS),
                "the next emit stores again");
        ctx.end();
    }

    @Test
    void endStoresWhatIsQueuedThenRefuses() throws Exception {
        InputFetchContext ctx = context();
        outbox.close();
        CompletableFuture<EmitResult> first = ctx.emitDurably(event("first")).toCompletableFuture();
        outbox.awaitBlocked();
        CompletableFuture<EmitResult> queued = ctx.emitDurably(event("queued")).toCompletableFuture();
        CompletableFuture<Void> ending = CompletableFuture.runAsync(ctx::end);
        outbox.open();
        ending.get(10, TimeUnit.SECONDS);
        assertTrue(first.isDone() && queued.isDone(), "no stage is left open when the call has ended");
        assertEquals(EmitResult.STORED, queued.get());
        assertEquals(List.of("first", "queued"), outbox.inner.stored("listener"));

        ExecutionException late = assertThrows(ExecutionException.class,
                () -> ctx.emitDurably(event("late")).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(StopRequestedException.class, late.getCause());
        assertThrows(StopRequestedException.class, () -> ctx.emit(event("late too")));
    }

    @Test
    void anEventMayCarryOnlyTheOrgidsAndTypetagsItsInputAllows() throws Exception {
        InputFetchContext strict = context();
        Event otherOrg = event("x").withOrgid("identity--other");
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> strict.emitDurably(otherOrg).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, refused.getCause());
        assertTrue(refused.getCause().getMessage().contains("allowed_orgids"), refused.getCause().getMessage());
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> strict.emit(event("y").withTypetag("misp-lookup")));
        assertTrue(plain.getMessage().contains("typetag 'misp-lookup'"), plain.getMessage());
        strict.end();

        InputFetchContext open = context(Configs.input("listener", 60,
                "allowed_orgids", "identity--other, identity--third", "allowed_typetags", "*"));
        assertEquals(EmitResult.STORED, open.emitDurably(otherOrg.withTypetag("misp-lookup")).toCompletableFuture()
                .get(10, TimeUnit.SECONDS));
        assertEquals(List.of("x"), outbox.inner.stored("listener"));
        assertEquals(Optional.of("identity--other"), outbox.lastEvents.get(0).orgid());
        open.end();
    }

    /** An outbox whose appends can be held, to see what a stage does while the disk is busy. */
    private static final class GatedStore implements EventStore {

        final DirEventStore inner;
        private final List<Integer> batchSizes = new ArrayList<>();
        volatile List<Event> lastEvents = List.of();
        private boolean closed;
        private boolean blocked;

        GatedStore(DirEventStore inner) {
            this.inner = inner;
        }

        synchronized void close() {
            closed = true;
        }

        synchronized void open() {
            closed = false;
            notifyAll();
        }

        void awaitBlocked() {
            await().atMost(WAIT).until(() -> {
                synchronized (this) {
                    return blocked;
                }
            });
        }

        synchronized List<Integer> batchSizes() {
            return List.copyOf(batchSizes);
        }

        @Override
        public void append(InputConfig input, List<Event> events, byte[] commit) throws IOException {
            synchronized (this) {
                blocked = closed;
                while (closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    }
                }
                blocked = false;
            }
            inner.append(input, events, commit);
            synchronized (this) {
                if (!events.isEmpty()) {
                    batchSizes.add(events.size());
                    lastEvents = List.copyOf(events);
                }
            }
        }

        @Override
        public Optional<byte[]> lastCommit(String inputName) throws IOException {
            return inner.lastCommit(inputName);
        }

        @Override
        public boolean accepting(String inputName) {
            return inner.accepting(inputName);
        }

        @Override
        public DeliveryStats stats(String inputName) {
            return inner.stats(inputName);
        }
    }
}
