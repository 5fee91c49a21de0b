package org.cybexp.input.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

import org.cybexp.input.api.Event;
import org.junit.jupiter.api.Test;

class RunningFetchTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final ScriptedPlugin plugin = new ScriptedPlugin().streaming();

    @Test
    void aStreamRunsUntilAGracefulStopAndKeepsItsEvents() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.of(plugin, Map.of());
        plugin.script(ctx -> {
            int n = 0;
            while (!ctx.stopRequested()) {
                ctx.emit(Event.ofText("m" + n, "text/plain").withDedupKey("m" + n));
                n++;
                if (n % 2 == 0) {
                    ctx.checkpoint();
                }
                ctx.awaitStop(Duration.ofMillis(5));
            }
        });

        try (RunningFetch running = store.start(store.open())) {
            assertTrue(store.awaitEvents(4, WAIT), "checkpointed events are stored while the stream runs");
            running.stopGracefully();
            running.join(WAIT);
            assertEquals(running.context().emitted().size(), store.events().size(), "a normal end stores the rest");
        }
    }

    @Test
    void anImmediateStopInterruptsAFetchThatHangs() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.of(plugin, Map.of());
        CountDownLatch never = new CountDownLatch(1);
        plugin.script(ctx -> {
            ctx.emit(Event.ofText("before", "text/plain"));
            never.await(); // ignores stop flags; only the interrupt ends it
        });

        try (RunningFetch running = store.start(store.open())) {
            assertTrue(running.context().awaitEmitted(1, WAIT));
            assertThrows(TimeoutException.class, () -> running.join(Duration.ofMillis(50)));

            running.stopNow();

            assertTrue(running.awaitEnd(WAIT));
            assertInstanceOf(InterruptedException.class, running.failure().orElseThrow());
            assertEquals(List.of(), store.events());
        }
    }

    @Test
    void closingAHandleStopsTheCall() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.of(plugin, Map.of());
        plugin.script(ctx -> ctx.awaitStop(Duration.ofMinutes(5)));
        RunningFetch running = store.start(store.open());

        running.close();

        assertTrue(!running.isRunning() && running.context().stopNow());
    }
}
