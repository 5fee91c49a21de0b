package org.cybexp.input.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        for (Event event : batch) {
            events.add(taken(event));
        }
        if (commit != null) {
            lastCommit = commit.clone();
        }
        notifyAll();
    }

    /**
     * A file-backed event taken as the outbox takes it: the file leaves the plugin (here it is read into memory,
     * test bodies being small, and deleted), so a plugin that deletes it after storing is seen to work.
     */
    private static Event taken(Event event) throws IOException {
        if (event.file().isEmpty()) {
            return event;
        }
        Path file = event.file().get();
        Event copy = Event.of(Files.readAllBytes(file), event.mediaType());
        if (!event.dedupKeys().isEmpty()) {
            copy = copy.withDedupKeys(event.dedupKeys());
        }
        copy = event.name().map(copy::withName).orElse(copy);
        copy = event.orgid().map(copy::withOrgid).orElse(copy);
        copy = event.typetag().map(copy::withTypetag).orElse(copy);
        copy = event.timezone().map(copy::withTimezone).orElse(copy);
        Files.delete(file);
        return copy;
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
