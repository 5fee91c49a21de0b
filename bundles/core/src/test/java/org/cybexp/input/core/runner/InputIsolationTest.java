package org.cybexp.input.core.runner;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.core.control.StopMode;
import org.cybexp.input.core.http.SharedHttpClient;
import org.cybexp.input.core.testing.Configs;
import org.cybexp.input.core.testing.DirEventStore;
import org.cybexp.input.core.testing.ManualScheduler;
import org.cybexp.input.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Third-party plugins are isolated from each other (issue 5): one whose fetch throws and one whose fetch hangs,
 * running beside a healthy one on the same scheduler, outbox and HTTP client, hold nothing back; status shows
 * each; the hung fetch, which only an interrupt can end, is interrupted at an immediate stop.
 */
class InputIsolationTest {

    private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final SharedHttpClient http = new SharedHttpClient();
    private final List<CybexSourceFetcher> fetchers = new ArrayList<>();
    private DirEventStore outbox;

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

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("cybexp-input-" + name));
    }

    @Test
    void aThrowingAndAHangingFetchHoldNothingBackAndTheHungOneEndsAtAnImmediateStop() throws Exception {
        outbox = new DirEventStore(dir.resolve("outbox"));
        AtomicInteger ticks = new AtomicInteger();
        CountDownLatch hanging = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        CybexSourceFetcher good = fetcher(Configs.input("good", 60),
                ctx -> ctx.emit(Event.ofText("tick " + ticks.incrementAndGet(), "text/plain")));
        CybexSourceFetcher buggy = fetcher(Configs.input("buggy", 60),
                ctx -> { throw new IllegalStateException("plugin bug"); });
        CybexSourceFetcher hung = fetcher(Configs.input("hung", 60), ctx -> {
            hanging.countDown();
            try {
                new CountDownLatch(1).await(); // ignores every stop flag: only an interrupt ends it
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        });
        hung.start();
        buggy.start();
        good.start();
        for (int i = 0; i < 3; i++) { // all three are due at once
            scheduler.runNext();
        }
        assertTrue(hanging.await(10, TimeUnit.SECONDS));

        // Two more periods of the healthy input (and the buggy one's retries) while the hung fetch still hangs.
        while (ticks.get() < 3) {
            await().atMost(Duration.ofSeconds(10)).until(() -> good.status().state() != InputState.RUNNING
                    && buggy.status().state() != InputState.RUNNING);
            scheduler.runNext();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> outbox.stored("good").size() == 3);
        assertEquals(List.of("tick 1", "tick 2", "tick 3"), outbox.stored("good"));
        InputStatus buggyStatus = buggy.status();
        assertEquals("IllegalStateException: plugin bug", buggyStatus.lastError());
        assertTrue(buggyStatus.consecutiveFailures() >= 1);
        assertEquals(InputState.RUNNING, hung.status().state());

        long before = System.nanoTime();
        assertTrue(hung.stop(StopMode.IMMEDIATE, Duration.ofSeconds(10)));

        assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(2), "the stop did not wait for the hang");
        assertTrue(interrupted.get(), "the fetching thread was interrupted");
        assertFalse(threadAlive("hung"));
        assertEquals(InputState.STOPPED, hung.status().state());
        assertEquals(0, hung.status().fetchFailures(), "a stop is not a failure");
        assertEquals(3, good.status().fetched());
    }
}
