package org.cybexp.input.source.openphish;

import java.io.Closeable;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.PersistentState;
import org.cybexp.input.api.StopRequestedException;

/**
 * One fetch call's {@link FetchContext} over an {@link InMemoryInputStore}: emitted events and state writes are
 * staged until {@link #checkpoint()}, dedup and {@link #seen} see stored and staged keys, and an immediate stop
 * closes the registered resources as the container does. Records malformed reports and the progress line.
 */
final class InMemoryFetchContext implements FetchContext {

    private final InputConfig config;
    private final InMemoryInputStore store;
    private final HttpAccess http;
    private final List<Event> pending = new ArrayList<>();
    private final Set<String> pendingKeys = new HashSet<>();
    private final Map<String, Optional<String>> staged = new LinkedHashMap<>();
    private final List<Closeable> resources = new ArrayList<>();
    private final List<String> malformed = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch firstMalformed = new CountDownLatch(1);
    private volatile boolean stopNow;
    private volatile String progress = "";
    private boolean ended;

    InMemoryFetchContext(InputConfig config, InMemoryInputStore store, HttpClient client) {
        this.config = config;
        this.store = store;
        this.http = new LoopbackHttpAccess(client, state());
    }

    @Override
    public InputConfig config() {
        return config;
    }

    @Override
    public synchronized void emit(Event event) {
        if (stopNow || ended) {
            throw new StopRequestedException();
        }
        if (!event.dedupKeys().isEmpty() && event.dedupKeys().stream().allMatch(this::seen)) {
            return;
        }
        pending.add(event);
        pendingKeys.addAll(event.dedupKeys());
    }

    @Override
    public synchronized boolean seen(String dedupKey) {
        return pendingKeys.contains(dedupKey) || store.seen(dedupKey);
    }

    @Override
    public PersistentState state() {
        return new PersistentState() {
            @Override
            public Optional<String> get(String key) {
                synchronized (InMemoryFetchContext.this) {
                    return staged.containsKey(key) ? staged.get(key) : store.committed(key);
                }
            }

            @Override
            public void put(String key, String value) {
                synchronized (InMemoryFetchContext.this) {
                    staged.put(key, Optional.of(value));
                }
            }

            @Override
            public void remove(String key) {
                synchronized (InMemoryFetchContext.this) {
                    staged.put(key, Optional.empty());
                }
            }
        };
    }

    @Override
    public synchronized void checkpoint() {
        if (stopNow) {
            throw new StopRequestedException();
        }
        store.commit(List.copyOf(pending), Map.copyOf(staged));
        pending.clear();
        pendingKeys.clear();
        staged.clear();
    }

    @Override
    public HttpAccess http() {
        return http;
    }

    @Override
    public boolean stopRequested() {
        return stop.getCount() == 0;
    }

    @Override
    public boolean stopNow() {
        return stopNow;
    }

    @Override
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void closeOnStop(Closeable resource) {
        boolean closeNow;
        synchronized (this) {
            closeNow = stopNow || ended;
            if (!closeNow) {
                resources.add(resource);
            }
        }
        if (closeNow) {
            closeQuietly(resource);
        }
    }

    @Override
    public synchronized void malformed(String reason, byte[] sample) {
        malformed.add(reason);
        firstMalformed.countDown();
    }

    /** Waits until a malformed line was reported: tells a test how far the input has read. */
    boolean awaitMalformed(Duration timeout) throws InterruptedException {
        return firstMalformed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void progress(String detail) {
        progress = detail;
    }

    @Override
    public Clock clock() {
        return Clock.fixed(Instant.parse("2024-05-06T00:00:00Z"), ZoneOffset.UTC);
    }

    /** Requests an immediate stop from another thread: blocked reads on registered resources fail at once. */
    void stopImmediately() {
        List<Closeable> toClose;
        synchronized (this) {
            stopNow = true;
            toClose = List.copyOf(resources);
        }
        stop.countDown();
        toClose.forEach(InMemoryFetchContext::closeQuietly);
    }

    /** Ends the call: later emits fail and the registered resources are closed. */
    void end() {
        List<Closeable> toClose;
        synchronized (this) {
            ended = true;
            toClose = List.copyOf(resources);
            resources.clear();
        }
        toClose.forEach(InMemoryFetchContext::closeQuietly);
    }

    synchronized List<String> malformedReasons() {
        return List.copyOf(malformed);
    }

    String progress() {
        return progress;
    }

    private static void closeQuietly(Closeable resource) {
        try {
            resource.close();
        } catch (IOException e) {
            // closing to unblock a read; the reader sees the failure
        }
    }
}
