package org.cybexp.input.core.control;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The durable outbox in front of the sink, a service of the delivery bundle. The core appends an input's
 * events here before it commits the input's dedup keys and cursor; the delivery bundle drains it to the sink.
 */
@ProviderType
public interface EventStore {

    /**
     * Appends events to the input's outbox, in order, with the metadata needed to post them later (name,
     * orgid, typetag, timezone), followed by the core's commit record, and returns only once all of it is on
     * disk (one fsync): the events and the dedup keys and cursor that go with them are stored in one step.
     *
     * @param commit the core's commit record for these events (opaque here), or null
     * @throws IOException if they could not be stored; then none of them counts as stored
     */
    void append(InputConfig input, List<Event> events, byte[] commit) throws IOException;

    /**
     * The commit record of the input's latest append, so the core can roll its dedup and state stores forward
     * after a crash between storing a batch and applying its commit.
     */
    Optional<byte[]> lastCommit(String inputName) throws IOException;

    /**
     * Whether the input may fetch more: false while its outbox (or all outboxes together) is over its cap.
     * The core pauses the input (back-pressure) until this turns true again.
     */
    default boolean accepting(String inputName) {
        return true;
    }

    /** Delivery counters of one input (zeros for an unknown input). */
    DeliveryStats stats(String inputName);

    /** Bytes the input's outbox takes on disk (for monitoring); 0 when it has none or the store cannot say. */
    default long outboxBytes(String inputName) {
        return 0;
    }
}
