package org.cybexp.input.core.runner;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.cybexp.input.api.Event;
import org.cybexp.input.core.control.InputRunner;
import org.cybexp.input.core.http.SharedHttpClient;
import org.cybexp.input.core.testing.Configs;
import org.cybexp.input.core.testing.DirEventStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory with a real scheduler and clock: runners fetch at once and stop immediately with the factory. */
class FetcherFactoryTest {

    @TempDir
    Path dir;

    @Test
    void runnersFetchAndAreClosedOnDeactivation() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        DirEventStore outbox = new DirEventStore(dir.resolve("outbox"));
        FetcherFactory factory = new FetcherFactory(new FetcherServices(outbox, dir, new SharedHttpClient(),
                Clock.systemUTC(), scheduler, () -> 0.0));
        CountDownLatch fetched = new CountDownLatch(1);
        InputRunner runner = factory.create(Configs.input("real", 3600), ctx -> {
            ctx.emit(Event.ofText("hello", "text/plain").withDedupKey("hello"));
            fetched.countDown();
            ctx.awaitStop(Duration.ofHours(1));
        });
        runner.start();
        assertTrue(fetched.await(10, TimeUnit.SECONDS));

        factory.deactivate();
        assertTrue(scheduler.isShutdown());
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().equals("cybexp-input-real")));
        // deactivation stops immediately: the unstored event and its dedup key are both dropped, consistently
        assertTrue(outbox.stored("real").isEmpty());
        assertTrue(dir.resolve("state/real/dedup.log").toFile().length() == 0);
    }

    @Test
    void aClosedRunnerIsForgottenSoItsPluginCanBeUnloaded() {
        FetcherFactory factory = new FetcherFactory(new FetcherServices(new DirEventStore(dir.resolve("outbox")), dir,
                new SharedHttpClient(), Clock.systemUTC(), Executors.newSingleThreadScheduledExecutor(), () -> 0.0));
        InputRunner kept = factory.create(Configs.input("kept", 3600), ctx -> { });
        InputRunner removed = factory.create(Configs.input("removed", 3600), ctx -> { });
        assertEquals(2, factory.openCount());

        removed.close();

        assertEquals(1, factory.openCount(), "no reference to the closed runner (and its plugin's input) is kept");
        factory.deactivate();
        assertEquals(0, factory.openCount());
        assertTrue(kept != removed);
    }
}
