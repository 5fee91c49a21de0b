package org.cybexp.input.delivery;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.Outbox;
import org.cybexp.input.delivery.store.StoredEvent;

/**
 * An outbox in memory, for {@link DeliveryBenchmark} only: what delivery costs without the disk (the original
 * module's behaviour, which lost everything on a crash). Never use it in the product.
 */
final class MemoryOutbox implements Outbox {

    private final Deque<StoredEvent> waiting = new ArrayDeque<>();
    private final Set<StoredEvent> handedOut = new HashSet<>();
    private long nextSeq;
    private long bytes;
    private byte[] lastCommit;

    @Override
    public void append(List<EventRecord> records) {
        append(records, null);
    }

    @Override
    public synchronized void append(List<EventRecord> records, byte[] commit) {
        for (EventRecord record : records) {
            waiting.addLast(new StoredEvent(nextSeq++, record));
            bytes += size(record);
        }
        if (commit != null) {
            lastCommit = commit.clone();
        }
    }

    @Override
    public synchronized Optional<byte[]> lastCommit() {
        return Optional.ofNullable(lastCommit).map(byte[]::clone);
    }

    @Override
    public synchronized Optional<StoredEvent> next() {
        StoredEvent next = waiting.pollFirst();
        if (next != null) {
            handedOut.add(next);
        }
        return Optional.ofNullable(next);
    }

    @Override
    public synchronized void remove(StoredEvent event) {
        if (!handedOut.remove(event)) {
            throw new IllegalStateException("event " + event.seq() + " was not handed out");
        }
        bytes -= size(event.record());
    }

    @Override
    public synchronized long depth() {
        return waiting.size() + handedOut.size();
    }

    @Override
    public synchronized long waiting() {
        return waiting.size();
    }

    @Override
    public synchronized long bytes() {
        return bytes;
    }

    @Override
    public void close() {
    }

    private static long size(EventRecord record) {
        return record.body().length + 200L; // the header, roughly as the segment outbox counts it
    }
}
