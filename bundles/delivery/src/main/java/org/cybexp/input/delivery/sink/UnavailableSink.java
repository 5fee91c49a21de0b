package org.cybexp.input.delivery.sink;

import java.io.IOException;

import org.cybexp.input.delivery.store.StoredEvent;

/**
 * Stands in for the API while its configuration is unusable (e.g. the token cannot be resolved): every delivery
 * fails as transient, so events wait in the outbox with the reason as their last error instead of being refused.
 */
public final class UnavailableSink implements Sink {

    private final String reason;

    /** @param reason why the sink cannot be used; must not contain a secret */
    public UnavailableSink(String reason) {
        this.reason = reason;
    }

    @Override
    public SinkAnswer deliver(StoredEvent event) throws IOException {
        throw new IOException(reason);
    }

    @Override
    public void close() {
        // nothing held
    }
}
