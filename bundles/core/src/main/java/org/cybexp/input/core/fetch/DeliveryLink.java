package org.cybexp.input.core.fetch;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.core.control.EventStore;

/**
 * The delivery bundle's {@link EventStore} as the core holds it: a dynamic reference, so that updating the
 * delivery bundle does not restart the core's components and, through them, the manager, every input and the
 * control endpoint. While it is away (between the old service going and the new one coming), the outbox counts
 * as full: {@link #accepting} says no, so pollers wait in back-pressure and listeners answer "busy", and
 * reading the last commit waits a little for it to come back. Nothing is lost: an event is stored only once the
 * outbox is there again.
 */
public final class DeliveryLink implements EventStore {

    private final Duration patience;
    private EventStore current; // guarded by this

    /** @param patience how long reading the last commit waits for the delivery service to come back */
    public DeliveryLink(Duration patience) {
        this.patience = patience;
    }

    public synchronized void bind(EventStore store) {
        current = store;
        notifyAll();
    }

    /** Forgets {@code store} unless a newer one replaced it already. */
    public synchronized void unbind(EventStore store) {
        if (current == store) {
            current = null;
        }
    }

    private synchronized EventStore now() {
        return current;
    }

    private synchronized EventStore awaited() throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        try {
            while (current == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw absent();
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw absent();
        }
        return current;
    }

    private static IOException absent() {
        return new IOException("the outbox is not available: the delivery bundle is stopped or being updated");
    }

    @Override
    public void append(InputConfig input, List<Event> events, byte[] commit) throws IOException {
        EventStore store = now();
        if (store == null) {
            throw absent(); // callers checked accepting(): it went away just now; nothing counts as stored
        }
        store.append(input, events, commit);
    }

    @Override
    public Optional<byte[]> lastCommit(String inputName) throws IOException {
        return awaited().lastCommit(inputName);
    }

    @Override
    public boolean accepting(String inputName) {
        EventStore store = now();
        return store != null && store.accepting(inputName);
    }

    @Override
    public DeliveryStats stats(String inputName) {
        EventStore store = now();
        return store == null ? DeliveryStats.NONE : store.stats(inputName);
    }
}
