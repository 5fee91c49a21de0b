package org.cybexp.input.core.control;

import java.io.IOException;
import java.util.List;

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
     * orgid, typetag, timezone), and returns only once they are on disk (fsync'd).
     *
     * @throws IOException if they could not be stored; then none of them counts as stored
     */
    void append(InputConfig input, List<Event> events) throws IOException;

    /** Delivery counters of one input (zeros for an unknown input). */
    DeliveryStats stats(String inputName);
}
