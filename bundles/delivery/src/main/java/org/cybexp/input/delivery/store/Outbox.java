package org.cybexp.input.delivery.store;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The durable queue of one input's events waiting for delivery. Events are handed out oldest first, several at
 * a time (the posts in flight), and acknowledged in any order. {@link SegmentOutbox} is the implementation; the
 * interface keeps delivery and dead-letter replay independent of its file format.
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
     * Hands out the oldest waiting event not handed out yet, or empty (none, or the outbox cannot take another
     * acknowledgement out of order until older events are acknowledged). An event handed out stays in the outbox
     * until {@link #remove}d; the caller keeps it to post it again after a failure. An event found damaged is
     * moved aside and reported, never returned.
     */
    Optional<StoredEvent> next() throws IOException;

    /**
     * Acknowledges an event {@link #next} handed out, in any order, once the sink has it or it went to the dead
     * letters; durable, so after a restart it is not handed out again. If it throws, the event stays handed out
     * and the call may be repeated.
     */
    void remove(StoredEvent event) throws IOException;

    /** How many events wait that {@link #next} has not handed out yet. */
    long waiting();

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
