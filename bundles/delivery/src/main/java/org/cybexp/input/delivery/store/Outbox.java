package org.cybexp.input.delivery.store;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The durable queue of one input's events waiting for delivery. The file-per-event {@link FileOutbox} is the
 * first implementation; a segment log with group commit can replace it behind this interface.
 */
public interface Outbox {

    /**
     * Stores the records in order; returns only once they are on disk. If it throws, the caller must treat
     * none of them as stored (a few may still be delivered: at-least-once).
     */
    void append(List<EventRecord> records) throws IOException;

    /**
     * The oldest waiting event, or empty. An event found damaged is moved aside and reported, never returned.
     */
    Optional<StoredEvent> next() throws IOException;

    /** Forgets an event once the sink has it or it went to the dead letters. */
    void remove(StoredEvent event) throws IOException;

    /** How many events wait. */
    long depth();

    /** Whether no event waits; cheaper than {@link #depth()} for some implementations. */
    default boolean isEmpty() {
        return depth() == 0;
    }
}
