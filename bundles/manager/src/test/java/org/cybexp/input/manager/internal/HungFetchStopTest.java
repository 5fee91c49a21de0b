package org.cybexp.input.manager.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.core.control.EventStore;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.core.http.SharedHttpClient;
import org.cybexp.input.core.runner.CybexSourceFetcher;
import org.cybexp.input.core.runner.FetcherServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real manager driving the core's real runner, with a plugin whose fetch hangs (a feed that accepts and
 * never answers): a graceful stop waits for it, and meanwhile status answers and an immediate stop ends it.
 */
class HungFetchStopTest {

    @TempDir
    Path data;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final SharedHttpClient http = new SharedHttpClient();
    private final CountDownLatch fetching = new CountDownLatch(1);

    @AfterEach
    void close() {
        scheduler.shutdownNow();
        http.close();
    }

    @Test
    void statusAnswersAndAnImmediateStopEndsAGracefulStopThatWaitsForAHungFetch() throws Exception {
        InMemoryConfigAdmin configs = new InMemoryConfigAdmin();
        RecordingRunners validator = new RecordingRunners();
        FetcherServices services = new FetcherServices(new NoOutbox(), data, http, Clock.systemUTC(), scheduler,
                () -> 0.5);
        PluginManagerImpl manager = new PluginManagerImpl(validator,
                (config, input) -> new CybexSourceFetcher(config, input, services), configs.admin);
        configs.listener(manager);
        manager.bindPlugin(new HangingPlugin());
        configs.put("hang", "stuck", Map.of("orgid", "org1"));
        assertTrue(fetching.await(10, TimeUnit.SECONDS), "the fetch started");

        long began = System.nanoTime();
        CompletableFuture<List<String>> graceful = CompletableFuture.supplyAsync(() -> {
            try {
                return manager.stop(List.of(), List.of("stuck"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> detail(manager).startsWith("stopping"));
        InputStatus whileStopping = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> status(manager));
        assertEquals(InputState.RUNNING, whileStopping.state(), "the fetch still runs: " + whileStopping);

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> manager.stopAll(true));
        assertEquals(List.of("stuck"), graceful.get(5, TimeUnit.SECONDS), "the graceful stop ended with it");
        long millis = (System.nanoTime() - began) / 1_000_000;
        assertTrue(millis < PluginManagerImpl.GRACEFUL_TIMEOUT.toMillis() / 3, millis + " ms");
        assertEquals(InputState.STOPPED, status(manager).state());
        System.out.println("HungFetchStopTest: graceful stop cut short by an immediate one after " + millis
                + " ms");
    }

    private static InputStatus status(PluginManagerImpl manager) {
        return manager.status().get(0);
    }

    private static String detail(PluginManagerImpl manager) {
        String detail = status(manager).detail();
        return detail == null ? "" : detail;
    }

    /** A plugin whose fetch blocks until it is interrupted, as one on a socket that never answers. */
    private final class HangingPlugin implements SourcePlugin {
        @Override
        public String name() {
            return "hang";
        }

        @Override
        public SourceInput open(InputConfig config) {
            return new SourceInput() {
                @Override
                public void fetch(FetchContext ctx) throws InterruptedException {
                    fetching.countDown();
                    new CountDownLatch(1).await();
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** An outbox that stores nothing: this test never emits. */
    private static final class NoOutbox implements EventStore {
        @Override
        public void append(InputConfig input, List<Event> events, byte[] commit) {
        }

        @Override
        public Optional<byte[]> lastCommit(String inputName) {
            return Optional.empty();
        }

        @Override
        public DeliveryStats stats(String inputName) {
            return DeliveryStats.NONE;
        }
    }
}
