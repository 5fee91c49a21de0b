package org.cybexp.input.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The sockets and streams of one fetch call that an immediate stop closes (so a blocked read returns) and that
 * are closed anyway when the call ends, as the core's {@code FetchResources}.
 */
final class CallResources {

    private final Set<Closeable> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    /** Registers a resource; one registered after {@link #closeAll()} is closed at once. */
    void register(Closeable resource) {
        synchronized (this) {
            if (!closed) {
                open.add(resource);
                return;
            }
        }
        closeQuietly(resource);
    }

    synchronized void unregister(Closeable resource) {
        open.remove(resource);
    }

    /** Closes everything registered, now and later. */
    void closeAll() {
        List<Closeable> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(open);
            open.clear();
        }
        toClose.forEach(CallResources::closeQuietly);
    }

    synchronized int size() {
        return open.size();
    }

    private static void closeQuietly(Closeable resource) {
        try {
            resource.close();
        } catch (IOException | RuntimeException e) {
            // closed to unblock a read or to end the call; the reader sees its own failure
        }
    }
}
