package org.cybexp.input.manager.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import org.cybexp.input.core.control.InputRunner;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.StopMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runners the manager detached from their slots and is waiting for. Runners are added (and asked to stop)
 * under the manager's lock; the waits happen after it is released, so a graceful stop that waits for a hung
 * fetch blocks neither {@code status} nor an escalation to an immediate stop, which reaches every runner still
 * winding down, whoever waits for it.
 */
final class StopQueue {

    private static final Logger LOG = LoggerFactory.getLogger(StopQueue.class);

    /** One detached runner, the slot it came from, and how it was asked to stop. */
    private record Pending(InputSlot slot, InputRunner runner, StopMode mode, Duration timeout) {
    }

    /** Guarded by the manager's lock. */
    private final List<Pending> pending = new ArrayList<>();
    /** Every runner some thread is waiting for, read without the lock by {@link #escalate}. */
    private final Set<InputRunner> winding = ConcurrentHashMap.newKeySet();
    private volatile boolean escalated;

    /** Asks a runner to stop at once (without waiting) and queues the wait for its end. Under the lock. */
    void add(InputSlot slot, InputRunner runner, StopMode mode, Duration timeout) {
        StopMode effective = escalated ? StopMode.IMMEDIATE : mode;
        winding.add(runner);
        runner.stop(effective, Duration.ZERO);
        pending.add(new Pending(slot, runner, effective, timeout));
    }

    /** Takes the queued waits, to be awaited once the lock is released. Under the lock. */
    Batch drain() {
        Batch batch = new Batch(List.copyOf(pending));
        pending.clear();
        return batch;
    }

    /**
     * Turns every stop, now and from now on, into an immediate one: the runners still winding down are
     * interrupted and waited for up to {@code timeout} each. Needs no lock.
     */
    void escalate(Duration timeout) {
        escalated = true;
        List<InputRunner> now = List.copyOf(winding);
        now.forEach(runner -> runner.stop(StopMode.IMMEDIATE, Duration.ZERO));
        for (InputRunner runner : now) {
            if (!runner.stop(StopMode.IMMEDIATE, timeout)) {
                LOG.warn("input '{}' ignores the immediate stop", runner.config().name());
            }
        }
    }

    /** The waits one operation queued. */
    final class Batch {
        private final List<Pending> items;

        private Batch(List<Pending> items) {
            this.items = items;
        }

        /** Waits for each runner, closes it, then reports it (the caller takes its lock again for that). */
        void await(BiConsumer<InputSlot, InputRunner> ended) {
            if (items.isEmpty()) {
                return;
            }
            announce();
            for (Pending p : items) {
                StopMode mode = escalated ? StopMode.IMMEDIATE : p.mode();
                if (!p.runner().stop(mode, p.timeout())) {
                    LOG.warn("input '{}' did not stop within {} s: stopping it now", p.slot().name,
                            p.timeout().toSeconds());
                }
                p.runner().close();
                winding.remove(p.runner());
                ended.accept(p.slot(), p.runner());
            }
        }

        /** A graceful stop that must wait says for what, and for how long at most. */
        private void announce() {
            List<String> fetching = items.stream()
                    .filter(p -> p.mode() == StopMode.GRACEFUL && !escalated)
                    .filter(p -> p.runner().status().state() == InputState.RUNNING)
                    .map(p -> "'" + p.slot().name + "'").toList();
            if (!fetching.isEmpty()) {
                long seconds = items.stream().mapToLong(p -> p.timeout().toSeconds()).max().orElse(0);
                LOG.info("stopping: waiting up to {} s for the running fetch of {} (a second stop request, or"
                        + " 'cybexp-input stop --now', stops at once)", seconds, String.join(", ", fetching));
            }
        }
    }
}
