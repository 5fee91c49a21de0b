package org.cybexp.input.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.core.control.EventStore;

/**
 * The outbox of one input, in memory: the core's fetch context appends each batch here with its commit record
 * (dedup keys, staged state), as it does to the delivery bundle's durable outbox. Nothing is delivered: the
 * stored events are what the container would post.
 */
final class MemoryOutbox implements EventStore {

    private final List<Event> events = new ArrayList<>();
    private byte[] lastCommit;
    private boolean failWrites;

    @Override
    public synchronized void append(InputConfig input, List<Event> batch, byte[] commit) throws IOException {
        if (failWrites) {
            throw new IOException("writes fail (InMemoryInputStore.failWrites)");
        }
        events.addAll(batch);
        if (commit != null) {
            lastCommit = commit.clone();
        }
        notifyAll();
    }

    @Override
    public synchronized Optional<byte[]> lastCommit(String inputName) {
        return Optional.ofNullable(lastCommit).map(byte[]::clone);
    }

    @Override
    public DeliveryStats stats(String inputName) {
        return DeliveryStats.NONE;
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized int size() {
        return events.size();
    }

    synchronized void failWrites(boolean fail) {
        failWrites = fail;
    }

    /** Waits until at least {@code count} events are stored; false on timeout. */
    synchronized boolean awaitSize(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
