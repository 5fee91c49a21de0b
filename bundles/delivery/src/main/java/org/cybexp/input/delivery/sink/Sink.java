package org.cybexp.input.delivery.sink;

import java.io.IOException;

import org.cybexp.input.delivery.store.StoredEvent;

/** Where delivered events go: the CYBEX-P API ({@link ApiSink}) or the local archive ({@link ArchiveSink}). */
public interface Sink extends AutoCloseable {

    /**
     * Hands one event over. The answer says whether it was taken; the caller decides what to do with a refusal.
     *
     * @throws IOException if it could not be handed over (connection, timeout, disk): worth retrying. The message
     *         never holds a secret.
     */
    SinkAnswer deliver(StoredEvent event) throws IOException;

    /**
     * How many deliveries may run at once (the connection pool of the API); called when inputs come. Sinks
     * without a pool ignore it. Deliveries may be called from many threads at once.
     */
    default void connections(int count) {
    }

    /** Releases connections or files; an event being handed over may fail and is retried later. */
    @Override
    void close();
}
