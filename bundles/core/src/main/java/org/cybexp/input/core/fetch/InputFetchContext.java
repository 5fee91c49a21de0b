package org.cybexp.input.core.fetch;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.PersistentState;
import org.cybexp.input.api.StopRequestedException;
import org.cybexp.input.core.control.EventStore;
import org.cybexp.input.core.store.DedupKey;
import org.cybexp.input.core.store.DedupStore;
import org.cybexp.input.core.store.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FetchContext} of one fetch call. Emitted events are buffered and flushed to the {@link EventStore}
 * in batches; only after a batch is stored are its dedup keys committed, and only at a checkpoint is the staged
 * state committed, so a cursor never runs ahead of the stored data. Thread-safe: streaming plugins may emit
 * from their own callback threads.
 */
public final class InputFetchContext implements FetchContext {

    static final int MAX_BATCH_EVENTS = 1000;
    static final long MAX_BATCH_BYTES = 8L * 1024 * 1024;
    /** Malformed records logged per call; the rest are only counted, so a broken feed cannot flood the log. */
    private static final int MALFORMED_LOGGED = 10;

    private static final Logger LOG = LoggerFactory.getLogger(InputFetchContext.class);

    private final InputConfig config;
    private final EventStore events;
    private final DedupStore dedup;
    private final StagedState state;
    private final FetchCounters counters;
    private final Clock clock;
    private final HttpAccessProvider httpProvider;
    private final StopSignal stop = new StopSignal();
    private final FetchResources resources = new FetchResources();

    private final List<Event> pending = new ArrayList<>();
    private final Set<DedupKey> pendingKeys = new HashSet<>();
    private long pendingBytes;
    private long malformedThisCall;
    private boolean ended;
    private HttpAccess http;

    public InputFetchContext(InputConfig config, EventStore events, DedupStore dedup, StateStore state,
            FetchCounters counters, Clock clock, HttpAccessProvider httpProvider) {
        this.config = config;
        this.events = events;
        this.dedup = dedup;
        this.state = new StagedState(state);
        this.counters = counters;
        this.clock = clock;
        this.httpProvider = httpProvider;
    }

    @Override
    public InputConfig config() {
        return config;
    }

    @Override
    public void emit(Event event) {
        if (stop.immediate()) {
            throw new StopRequestedException();
        }
        synchronized (this) {
            if (ended) {
                throw new StopRequestedException();
            }
            List<DedupKey> keys = event.dedupKeys().stream().map(DedupKey::of).toList();
            if (!keys.isEmpty() && keys.stream().allMatch(this::seenKey)) {
                keys.forEach(dedup::refresh);
                counters.duplicates.incrementAndGet();
                return;
            }
            pending.add(event);
            pendingKeys.addAll(keys);
            pendingBytes += event.size();
            if (pending.size() >= MAX_BATCH_EVENTS || pendingBytes >= MAX_BATCH_BYTES) {
                flush();
            }
        }
    }

    @Override
    public synchronized boolean seen(String dedupKey) {
        return seenKey(DedupKey.of(dedupKey));
    }

    private boolean seenKey(DedupKey key) {
        return pendingKeys.contains(key) || dedup.seen(key);
    }

    @Override
    public PersistentState state() {
        return state;
    }

    @Override
    public synchronized void checkpoint() {
        if (stop.immediate()) {
            throw new StopRequestedException();
        }
        flush();
        try {
            state.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the state of input " + config.name(), e);
        }
    }

    /** Stores the buffered events, then commits their dedup keys; the staged state stays staged. */
    private void flush() {
        try {
            if (!pending.isEmpty()) {
                events.append(config, List.copyOf(pending));
            }
            dedup.commit(pendingKeys);
        } catch (IOException e) {
            // The batch is lost from memory but not committed: the next fetch brings it again.
            discardPending();
            throw new UncheckedIOException("cannot store the events of input " + config.name(), e);
        }
        counters.fetched.addAndGet(pending.size());
        discardPending();
    }

    private void discardPending() {
        pending.clear();
        pendingKeys.clear();
        pendingBytes = 0;
    }

    @Override
    public synchronized HttpAccess http() {
        if (http == null) {
            http = httpProvider.forCall(state, resources);
        }
        return http;
    }

    @Override
    public boolean stopRequested() {
        return stop.requested();
    }

    @Override
    public boolean stopNow() {
        return stop.immediate();
    }

    @Override
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stop.await(timeout);
    }

    @Override
    public void closeOnStop(Closeable resource) {
        resources.register(resource);
    }

    @Override
    public void malformed(String reason, byte[] sample) {
        counters.malformed.incrementAndGet();
        long count;
        synchronized (this) {
            count = ++malformedThisCall;
        }
        if (count <= MALFORMED_LOGGED) {
            LOG.warn("input '{}': skipped a malformed record ({}): {}", config.name(), reason, SampleText.of(sample));
        }
    }

    @Override
    public void progress(String detail) {
        counters.detail(detail);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /**
     * Asks the call to stop. An immediate stop also closes the registered resources so that blocked reads
     * return, and interrupts the fetching thread, but never while it stores: an interrupt would close the
     * stores' file channels.
     */
    public void requestStop(boolean immediate, Thread fetchThread) {
        stop.request(immediate);
        if (immediate) {
            resources.closeAll();
            synchronized (this) {
                fetchThread.interrupt();
            }
        }
    }

    /** The call returned normally: store what it emitted and commit its state. */
    public void complete() {
        checkpoint();
    }

    /** Whether an immediate stop was requested: the call's unstored work is dropped. */
    public boolean aborted() {
        return stop.immediate();
    }

    /** The call failed or was aborted: drop the unstored events and the staged state. */
    public synchronized void abandon() {
        discardPending();
        state.discard();
    }

    /** Ends the call: closes its resources; later emits are refused. */
    public void end() {
        synchronized (this) {
            ended = true;
            if (malformedThisCall > MALFORMED_LOGGED) {
                LOG.warn("input '{}': {} more malformed records skipped in this fetch", config.name(),
                        malformedThisCall - MALFORMED_LOGGED);
            }
        }
        resources.closeAll();
    }
}
