package org.cybexp.input.delivery.store;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The durable queue of one input's events waiting for delivery, oldest first. {@link SegmentOutbox} is the
 * implementation; the interface keeps delivery and dead-letter replay independent of its file format.
 */
public interface Outbox extends Closeable {

    /**
     * Stores the records in order; returns only once they are on disk. If it throws, the caller must treat
     * none of them as stored (a few may still be delivered: at-least-once).
     */
    void append(List<EventRecord> records) throws IOException;

    /**
     * Stores the records and, after them, the core's commit record (dedup keys and cursor of the batch) in
     * one durable step: after a crash either all of it is there or none.
     *
     * @param commit opaque bytes of the core, returned by {@link #lastCommit}; null for none
     */
    void append(List<EventRecord> records, byte[] commit) throws IOException;

    /** The commit record of the latest append that had one, if the outbox still holds it. */
    Optional<byte[]> lastCommit();

    /**
     * The oldest waiting event, or empty. An event found damaged is moved aside and reported, never returned.
     */
    Optional<StoredEvent> next() throws IOException;

    /** Acknowledges the event {@link #next} returned, once the sink has it or it went to the dead letters. */
    void remove(StoredEvent event) throws IOException;

    /** How many events wait. */
    long depth();

    /** How many bytes of events wait (their headers and bodies). */
    long bytes();

    /**
     * How many bytes on disk hold only delivered events and are given back at the next append (the free-space
     * reserve counts them as free, else a full but delivered outbox would wait for an append that never comes).
     */
    default long reclaimableBytes() {
        return 0;
    }

    /** Whether no event waits. */
    default boolean isEmpty() {
        return depth() == 0;
    }
}
