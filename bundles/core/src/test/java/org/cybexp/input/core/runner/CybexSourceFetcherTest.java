package org.cybexp.input.core.runner;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.core.control.StopMode;
import org.cybexp.input.core.http.SharedHttpClient;
import org.cybexp.input.core.testing.Configs;
import org.cybexp.input.core.testing.DirEventStore;
import org.cybexp.input.core.testing.ManualScheduler;
import org.cybexp.input.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

class CybexSourceFetcherTest {

    private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final SharedHttpClient http = new SharedHttpClient();
    private final List<CybexSourceFetcher> fetchers = new ArrayList<>();
    private DirEventStore outbox;

    @BeforeEach
    void setUp() {
        outbox = new DirEventStore(dir.resolve("outbox"));
    }

    @AfterEach
    void tearDown() {
        fetchers.forEach(CybexSourceFetcher::close);
        http.close();
    }

    private CybexSourceFetcher fetcher(InputConfig config, SourceInput input) {
        CybexSourceFetcher fetcher = new CybexSourceFetcher(config, input,
                new FetcherServices(outbox, dir.resolve("data"), http, clock, scheduler, () -> 0.5));
        fetchers.add(fetcher);
        return fetcher;
    }

    /** Runs the next scheduled task (a fetch launch) and waits for the fetch thread to finish. */
    private InputStatus runFetch(CybexSourceFetcher fetcher) {
        scheduler.runNext();
        return awaitIdle(fetcher);
    }

    private static InputStatus awaitIdle(CybexSourceFetcher fetcher) {
        await().atMost(Duration.ofSeconds(10)).until(() -> fetcher.status().state() != InputState.RUNNING);
        return fetcher.status();
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("cybexp-input-" + name));
    }

    private static SourceInput failing(Exception failure) {
        return ctx -> {
            throw failure;
        };
    }

    @Test
    void pollsOnItsPeriodAndStoresWhatItEmits() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CybexSourceFetcher fetcher = fetcher(Configs.input("poll", 300),
                ctx -> ctx.emit(Event.ofText("e" + calls.incrementAndGet(), "text/plain")));
        fetcher.start();
        assertEquals(T0, fetcher.status().nextRun(), "a new input fetches at once");

        InputStatus status = runFetch(fetcher);
        assertEquals(InputState.WAITING, status.state());
        assertEquals(T0.plusSeconds(300), status.nextRun());
        assertEquals(1, status.fetched());
        assertEquals(T0, status.lastSuccess());

        assertEquals(T0.plusSeconds(300), runFetch(fetcher).lastSuccess());
        assertEquals(List.of("e1", "e2"), outbox.stored("poll"));
        assertEquals(T0.plusSeconds(600), fetcher.status().nextRun());
    }

    @Test
    void aFullOutboxHoldsFetchingUntilDeliveryMakesRoom() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CybexSourceFetcher fetcher = fetcher(Configs.input("held", 300),
                ctx -> ctx.emit(Event.ofText("e" + calls.incrementAndGet(), "text/plain")));
        outbox.accepting(false);
        fetcher.start();

        scheduler.runNext();
        assertEquals(InputState.BACK_PRESSURE, fetcher.status().state());
        assertEquals(T0.plus(CybexSourceFetcher.ROOM_POLL), fetcher.status().nextRun());
        scheduler.runNext();
        assertEquals(0, calls.get(), "no fetch while the outbox is full");

        outbox.accepting(true);
        InputStatus status = runFetch(fetcher);
        assertEquals(1, calls.get());
        assertEquals(InputState.WAITING, status.state());
        assertEquals(List.of("e1"), outbox.stored("held"));
    }

    @Test
    void aStreamHeldByBackPressureStoresItsBatchOnceThereIsRoom() throws Exception {
        java.util.concurrent.CountDownLatch emitted = new java.util.concurrent.CountDownLatch(1);
        CybexSourceFetcher fetcher = fetcher(Configs.input("stream", 0), new SourceInput() {
            @Override
            public Mode mode() {
                return Mode.STREAMING;
            }

            @Override
            public void fetch(org.cybexp.input.api.FetchContext ctx) throws Exception {
                ctx.emit(Event.ofText("frame", "text/plain"));
                outbox.accepting(false);
                emitted.countDown();
                ctx.checkpoint(); // held here while the outbox is full
                ctx.awaitStop(Duration.ofMinutes(1));
            }
        });
        fetcher.start();
        scheduler.runNext();
        assertTrue(emitted.await(10, java.util.concurrent.TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(10)).until(() -> fetcher.status().state() == InputState.BACK_PRESSURE);
        assertEquals(List.of(), outbox.stored("stream"));

        outbox.accepting(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> outbox.stored("stream").equals(List.of("frame")));
        await().atMost(Duration.ofSeconds(10)).until(() -> fetcher.status().state() == InputState.RUNNING);
    }

    @Test
    void theRateLimitSurvivesARestart() {
        InputConfig config = Configs.input("limited", 10, "min_interval", "120");
        CybexSourceFetcher first = fetcher(config, ctx -> { });
        first.start();
        assertEquals(T0.plusSeconds(120), runFetch(first).nextRun(), "period 10 s but at most one fetch per 120 s");
        first.close();

        clock.advance(Duration.ofSeconds(30));
        CybexSourceFetcher restarted = fetcher(config, ctx -> { });
        restarted.start();
        assertEquals(T0.plusSeconds(120), restarted.status().nextRun());
    }

    @Test
    void failuresBackOffExponentiallyAndASuccessResets() {
        AtomicBoolean fail = new AtomicBoolean(true);
        CybexSourceFetcher fetcher = fetcher(Configs.input("flaky", 600, "min_interval", "0"), ctx -> {
            if (fail.get()) {
                throw new IOException("connection reset");
            }
        });
        fetcher.start();
        for (int n = 1; n <= 13; n++) {
            Instant start = fetcher.status().nextRun();
            InputStatus status = runFetch(fetcher);
            assertEquals(InputState.BACKING_OFF, status.state());
            assertEquals(n, status.consecutiveFailures());
            assertEquals("connection reset", status.lastError());
            long expectedMillis = Math.min(3_600_000, (1L << n) * 1000 + 500);
            assertEquals(start.plusMillis(expectedMillis), status.nextRun(), "after failure " + n);
        }
        fail.set(false);
        Instant start = fetcher.status().nextRun();
        InputStatus status = runFetch(fetcher);
        assertEquals(InputState.WAITING, status.state());
        assertEquals(0, status.consecutiveFailures());
        assertEquals(13, status.fetchFailures());
        assertEquals(start.plusSeconds(600), status.nextRun());
    }

    @Test
    void retriesRespectTheRateLimitAndALongerRetryAfter() {
        InputConfig config = Configs.input("busy", 600, "min_interval", "60");
        CybexSourceFetcher fetcher = fetcher(config, failing(new IOException("timeout")));
        fetcher.start();
        assertEquals(T0.plusSeconds(60), runFetch(fetcher).nextRun(), "2.5 s backoff, but 60 s rate limit");
        fetcher.close();

        CybexSourceFetcher told = fetcher(Configs.input("told", 600, "min_interval", "0"),
                failing(new HttpStatusException("GET x answered 429 Too Many Requests", 429, Duration.ofSeconds(900))));
        told.start();
        Instant start = clock.instant();
        assertEquals(start.plusSeconds(900), runFetch(told).nextRun());
        assertEquals("GET x answered 429 Too Many Requests", told.status().lastError());
        told.close();

        CybexSourceFetcher restarted = fetcher(Configs.input("told", 600, "min_interval", "0"), ctx -> { });
        restarted.start();
        assertEquals(start.plusSeconds(900), restarted.status().nextRun(), "the server's wait survives a restart");
    }

    @Test
    void pluginBugsAreRecordedWithTheirType() {
        CybexSourceFetcher fetcher = fetcher(Configs.input("buggy", 60),
                ctx -> { throw new IllegalStateException("bad cursor"); });
        fetcher.start();
        assertEquals("IllegalStateException: bad cursor", runFetch(fetcher).lastError());
    }

    @Test
    void aGracefulStopLetsTheBatchFinishAndStoresIt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CybexSourceFetcher fetcher = fetcher(Configs.input("graceful", 60), ctx -> {
            int i = 0;
            started.countDown();
            while (!ctx.stopRequested()) {
                ctx.awaitStop(Duration.ofMillis(5));
            }
            for (; i < 3; i++) { // the rest of the batch
                ctx.emit(Event.ofText("e" + i, "text/plain"));
            }
            ctx.state().put("cursor", "3");
        });
        fetcher.start();
        scheduler.runNext();
        assertTrue(started.await(10, TimeUnit.SECONDS));

        assertTrue(fetcher.stop(StopMode.GRACEFUL, Duration.ofSeconds(10)));
        assertEquals(List.of("e0", "e1", "e2"), outbox.stored("graceful"));
        InputStatus status = fetcher.status();
        assertEquals(InputState.STOPPED, status.state());
        assertNull(status.nextRun());
        assertEquals(0, status.fetchFailures());
        assertEquals(0, scheduler.pending());
        assertFalse(threadAlive("graceful"));
    }

    @Test
    void anImmediateStopAbortsAReadBlockedOnASocket() throws Exception {
        CountDownLatch requested = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requested.countDown();
            try {
                release.await(); // never answers while the test runs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/feed");
            AtomicBoolean emittedAfter = new AtomicBoolean();
            CybexSourceFetcher fetcher = fetcher(Configs.input("blocked", 60), ctx -> {
                ctx.http().send(HttpRequest.get(uri)).close();
                ctx.emit(Event.ofText("never", "text/plain"));
                emittedAfter.set(true);
            });
            fetcher.start();
            scheduler.runNext();
            assertTrue(requested.await(10, TimeUnit.SECONDS));

            assertTrue(fetcher.stop(StopMode.IMMEDIATE, Duration.ofSeconds(10)));
            assertFalse(threadAlive("blocked"));
            assertFalse(emittedAfter.get());
            assertEquals(0, fetcher.status().fetchFailures(), "a stop is not a failure");
            assertEquals(InputState.STOPPED, fetcher.status().state());
        } finally {
            release.countDown();
            server.stop(0);
        }
    }

    @Test
    void aStopDuringABackoffReturnsAtOnce() {
        CybexSourceFetcher fetcher = fetcher(Configs.input("down", 60), failing(new IOException("refused")));
        fetcher.start();
        assertEquals(InputState.BACKING_OFF, runFetch(fetcher).state());

        long before = System.nanoTime();
        assertTrue(fetcher.stop(StopMode.GRACEFUL, Duration.ofMinutes(5)));
        assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(2));
        assertEquals(InputState.STOPPED, fetcher.status().state());
        assertEquals(0, scheduler.pending(), "the retry is cancelled");
    }

    @Test
    void aHungFetchIsInterruptedAfterFetchTimeoutAndCountsAsAFailure() {
        CybexSourceFetcher fetcher = fetcher(Configs.input("hung", 600, "fetch_timeout", "30"), ctx -> {
            new CountDownLatch(1).await(); // hangs until interrupted
        });
        fetcher.start();
        scheduler.runNext();
        assertEquals(InputState.RUNNING, fetcher.status().state());
        assertEquals(T0.plusSeconds(30), scheduler.nextDue().orElseThrow(), "the timeout is armed");
        scheduler.runNext();

        InputStatus status = awaitIdle(fetcher);
        assertEquals(InputState.BACKING_OFF, status.state());
        assertEquals(1, status.consecutiveFailures());
        assertTrue(status.lastError().contains("fetch_timeout"), status.lastError());
        assertFalse(threadAlive("hung"));
    }

    @Test
    void aStreamThatEndsIsRerunAndALongRunCountsAsSuccess() {
        AtomicInteger runs = new AtomicInteger();
        CybexSourceFetcher fetcher = fetcher(Configs.input("stream", 0, "min_interval", "0"), new SourceInput() {
            @Override
            public Mode mode() {
                return Mode.STREAMING;
            }

            @Override
            public void fetch(FetchContext ctx) {
                if (runs.incrementAndGet() == 3) {
                    clock.advance(Duration.ofSeconds(61)); // a healthy long session
                }
            }
        });
        fetcher.start();
        Instant start = clock.instant();
        InputStatus first = runFetch(fetcher);
        assertEquals(1, first.consecutiveFailures());
        assertEquals(start.plusMillis(2500), first.nextRun());
        assertEquals(2, runFetch(fetcher).consecutiveFailures());

        InputStatus afterLongRun = runFetch(fetcher);
        assertEquals(0, afterLongRun.consecutiveFailures());
        assertEquals(clock.instant().plusMillis(1500), afterLongRun.nextRun());
        assertEquals(3, runs.get());
    }

    private static final SourceInput DROPPING_STREAM = new SourceInput() {
        @Override
        public Mode mode() {
            return Mode.STREAMING;
        }

        @Override
        public void fetch(FetchContext ctx) throws IOException {
            throw new IOException("connection reset by peer");
        }
    };

    @Test
    void aDroppedStreamReconnectsAfterItsBackoffNotAfterThePollRateLimit() {
        CybexSourceFetcher fetcher = fetcher(Configs.input("ws", 0), DROPPING_STREAM);
        fetcher.start();
        Instant start = clock.instant();
        assertEquals(start.plusMillis(2500), runFetch(fetcher).nextRun(), "2 s + jitter, not min_interval's 60 s");
    }

    @Test
    void anExplicitMinIntervalStillHoldsForAStream() {
        CybexSourceFetcher fetcher = fetcher(Configs.input("ws", 0, "min_interval", "30"), DROPPING_STREAM);
        fetcher.start();
        Instant start = clock.instant();
        assertEquals(start.plusSeconds(30), runFetch(fetcher).nextRun());
    }

    @Test
    void closeStopsTheThreadAndClosesTheInputEvenIfItThrows() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        CybexSourceFetcher fetcher = fetcher(Configs.input("closing", 60), new SourceInput() {
            @Override
            public void fetch(FetchContext ctx) throws InterruptedException {
                started.countDown();
                ctx.awaitStop(Duration.ofDays(1));
            }

            @Override
            public void close() {
                closed.set(true);
                throw new IllegalStateException("close failed");
            }
        });
        fetcher.start();
        scheduler.runNext();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertTrue(threadAlive("closing"));

        fetcher.close();
        assertTrue(closed.get());
        await().atMost(Duration.ofSeconds(10)).until(() -> !threadAlive("closing"));
        assertEquals(InputState.STOPPED, fetcher.status().state());
    }

    @Test
    void statusShowsDeliveryCountersAndARejectedToken() {
        CybexSourceFetcher fetcher = fetcher(Configs.input("delivered", 60), ctx -> { });
        outbox.stats(new DeliveryStats(7, 1, 3, "401 Invalid/missing token", T0, T0, true));
        InputStatus status = fetcher.status();
        assertEquals(7, status.delivered());
        assertEquals(1, status.deadLettered());
        assertEquals(3, status.outboxDepth());
        assertEquals("token rejected by the CYBEX-P API", status.lastError());
        assertEquals(InputState.STOPPED, status.state());
    }
}
