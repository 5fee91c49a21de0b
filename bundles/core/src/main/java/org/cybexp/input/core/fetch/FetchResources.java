package org.cybexp.input.core.fetch;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets and streams of one fetch call that an immediate stop must close (so a blocked read returns) and
 * that are closed anyway when the call ends. Closed resources may unregister themselves so a long stream does
 * not accumulate them.
 */
public final class FetchResources {

    private static final Logger LOG = LoggerFactory.getLogger(FetchResources.class);

    private final Set<Closeable> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    /** Registers a resource; one registered after {@link #closeAll()} is closed at once. */
    public void register(Closeable resource) {
        synchronized (this) {
            if (!closed) {
                open.add(resource);
                return;
            }
        }
        closeQuietly(resource);
    }

    public synchronized void unregister(Closeable resource) {
        open.remove(resource);
    }

    /** Closes everything registered, now and later. */
    public void closeAll() {
        List<Closeable> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(open);
            open.clear();
        }
        toClose.forEach(FetchResources::closeQuietly);
    }

    /** How many resources are registered and not yet closed. */
    public synchronized int size() {
        return open.size();
    }

    private static void closeQuietly(Closeable resource) {
        try {
            resource.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing a resource of a stopped fetch failed: {}", e.toString());
        }
    }
}
