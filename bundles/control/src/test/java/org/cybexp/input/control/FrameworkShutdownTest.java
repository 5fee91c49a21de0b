package org.cybexp.input.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** What TERM/INT do: the first stops gracefully, a second one while stopping stops at once. */
class FrameworkShutdownTest {

    @Test
    void secondRequestEscalatesToImmediate() throws Exception {
        CountDownLatch gracefulEntered = new CountDownLatch(1);
        CountDownLatch releaseGraceful = new CountDownLatch(1);
        CountDownLatch immediateCalled = new CountDownLatch(1);
        CountDownLatch stops = new CountDownLatch(2);
        FakePluginManager manager = new FakePluginManager();
        FrameworkShutdown shutdown = new FrameworkShutdown(new BlockingManager(manager, gracefulEntered,
                releaseGraceful, immediateCalled), stops::countDown);

        shutdown.request(false);
        assertTrue(gracefulEntered.await(5, TimeUnit.SECONDS));
        shutdown.request(false);
        assertTrue(immediateCalled.await(5, TimeUnit.SECONDS), "stopAll(true) while the graceful stop runs");
        assertEquals(1, stops.getCount(), "framework stop requested at once, before the graceful stop ended");
        releaseGraceful.countDown();
        assertTrue(stops.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("stopAll false", "stopAll true"), manager.calls);
    }

    @Test
    void aSignalAfterACliStopEscalatesTheSameShutdown() throws Exception {
        CountDownLatch gracefulEntered = new CountDownLatch(1);
        CountDownLatch releaseGraceful = new CountDownLatch(1);
        CountDownLatch immediateCalled = new CountDownLatch(1);
        FakePluginManager manager = new FakePluginManager();
        FrameworkShutdown shared = new FrameworkShutdown(new BlockingManager(manager, gracefulEntered,
                releaseGraceful, immediateCalled), () -> { });
        Nonce nonce = Nonce.random(new java.security.SecureRandom());
        ControlProtocol cli = new ControlProtocol(manager, nonce, java.time.Clock.systemUTC(), 1, shared::request,
                () -> null);
        var signals = ProcessSignals.actions(manager, shared);

        cli.handle("{\"nonce\":\"" + nonce.value() + "\",\"command\":\"shutdown\"}", 1).afterReply().run();
        assertTrue(gracefulEntered.await(5, TimeUnit.SECONDS));
        signals.get("TERM").run();
        assertTrue(immediateCalled.await(5, TimeUnit.SECONDS), "the signal escalated the CLI's stop");
        releaseGraceful.countDown();
    }

    @Test
    void signalActionsMapToTheManager() {
        FakePluginManager manager = new FakePluginManager();
        CountDownLatch stopped = new CountDownLatch(1);
        var actions = ProcessSignals.actions(manager, new FrameworkShutdown(manager, stopped::countDown));
        assertEquals(List.of("TERM", "INT", "USR1", "HUP"), List.copyOf(actions.keySet()));
        actions.get("USR1").run();
        actions.get("HUP").run();
        assertEquals(List.of("restart [] []", "reload"), manager.calls);
    }

    /** Holds the graceful stopAll until released, to observe what a second request does meanwhile. */
    private static final class BlockingManager extends DelegatingManager {
        private final CountDownLatch entered;
        private final CountDownLatch release;
        private final CountDownLatch immediate;

        BlockingManager(FakePluginManager delegate, CountDownLatch entered, CountDownLatch release,
                CountDownLatch immediate) {
            super(delegate);
            this.entered = entered;
            this.release = release;
            this.immediate = immediate;
        }

        @Override
        public void stopAll(boolean now) {
            super.stopAll(now);
            if (now) {
                immediate.countDown();
                return;
            }
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
