package org.cybexp.input.core.fetch;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.cybexp.input.api.EmitResult;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.Network;
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
 * from their own callback threads. Durable emits are stored by one storing thread in groups
 * ({@link DurableEmits}), so a listener's answer to its sender follows the disk without an fsync per event.
 */
public final class InputFetchContext implements FetchContext {

    /** A call's buffered events are stored once this many are pending, even before a checkpoint. */
    public static final int MAX_BATCH_EVENTS = 1000;
    /** Or once the pending events hold this many bytes. */
    public static final long MAX_BATCH_BYTES = 8L * 1024 * 1024;
    /** Malformed records logged per call; the rest are only counted, so a broken feed cannot flood the log. */
    private static final int MALFORMED_LOGGED = 10;
    /** How often a call held by back-pressure looks for room again. */
    private static final Duration ROOM_POLL = Duration.ofMillis(200);

    private static final Logger LOG = LoggerFactory.getLogger(InputFetchContext.class);

    private final InputConfig config;
    private final EventStore events;
    private final DedupStore dedup;
    private final StagedState state;
    private final StateStore stateStore;
    private final FetchCounters counters;
    private final Clock clock;
    private final HttpAccessProvider httpProvider;
    private final StopSignal stop = new StopSignal();
    private final FetchResources resources = new FetchResources();
    private final int maxBatchEvents;
    private final long maxBatchBytes;
    private final EventMetadataPolicy metadata;
    private final DurableEmits durable;

    private final List<Event> pending = new ArrayList<>();
    private final Set<DedupKey> pendingKeys = new HashSet<>();
    private long pendingBytes;
    private long malformedThisCall;
    /** A failed durable store also dropped events emit() had buffered: the call's state must not be committed. */
    private boolean bufferedLost;
    private boolean ended;
    private HttpAccess http;

    public InputFetchContext(InputConfig config, EventStore events, DedupStore dedup, StateStore state,
            FetchCounters counters, Clock clock, HttpAccessProvider httpProvider) {
        this(config, events, dedup, state, counters, clock, httpProvider, MAX_BATCH_EVENTS, MAX_BATCH_BYTES);
    }

    /**
     * A context that stores its buffered events in batches of at most {@code maxBatchEvents} events or
     * {@code maxBatchBytes} bytes (the plugin test kit makes them small to test a call failing half-way).
     */
    public InputFetchContext(InputConfig config, EventStore events, DedupStore dedup, StateStore state,
            FetchCounters counters, Clock clock, HttpAccessProvider httpProvider, int maxBatchEvents,
            long maxBatchBytes) {
        if (maxBatchEvents < 1 || maxBatchBytes < 1) {
            throw new IllegalArgumentException("batch limits must be positive");
        }
        this.maxBatchEvents = maxBatchEvents;
        this.maxBatchBytes = maxBatchBytes;
        this.config = config;
        this.events = events;
        this.dedup = dedup;
        this.state = new StagedState(state);
        this.stateStore = state;
        this.counters = counters;
        this.clock = clock;
        this.httpProvider = httpProvider;
        this.metadata = EventMetadataPolicy.of(config);
        this.durable = new DurableEmits("cybexp-store-" + config.name(), this::storeGroup);
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
        metadata.check(event);
        synchronized (this) {
            if (ended) {
                throw new StopRequestedException();
            }
            if (buffer(event) && pending.size() >= maxBatchEvents || pendingBytes >= maxBatchBytes) {
                flush(false, true);
            }
        }
    }

    @Override
    public CompletionStage<EmitResult> emitDurably(Event event) {
        if (stop.immediate()) {
            return CompletableFuture.failedFuture(new StopRequestedException());
        }
        try {
            metadata.check(event);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!events.accepting(config.name())) {
            counters.refused.incrementAndGet();
            return CompletableFuture.completedFuture(EmitResult.REFUSED_FULL);
        }
        return durable.submit(event);
    }

    /**
     * Stores one group of durable emits, with the events buffered by {@link #emit} so far, in one append, then
     * completes their stages, outside the lock (their callbacks answer senders). The outbox cap is not waited
     * for: it was checked when each was emitted, and a cap is soft.
     */
    private void storeGroup(List<DurableEmits.Pending> group) {
        List<EmitResult> results = new ArrayList<>(group.size());
        RuntimeException failure = null;
        synchronized (this) {
            if (ended) {
                failure = new StopRequestedException();
            } else {
                boolean hadBuffered = !pending.isEmpty();
                for (DurableEmits.Pending each : group) {
                    results.add(buffer(each.event()) ? EmitResult.STORED : EmitResult.DUPLICATE);
                }
                try {
                    flush(false, false);
                } catch (RuntimeException e) {
                    failure = e;
                    bufferedLost |= hadBuffered;
                }
            }
        }
        for (int i = 0; i < group.size(); i++) {
            if (failure != null) {
                group.get(i).result().completeExceptionally(failure);
            } else {
                group.get(i).result().complete(results.get(i));
            }
        }
    }

    /** Adds an event to the pending batch unless all its keys were seen; false for a duplicate. */
    private boolean buffer(Event event) {
        List<DedupKey> keys = event.dedupKeys().stream().map(DedupKey::of).toList();
        if (!keys.isEmpty() && keys.stream().allMatch(this::seenKey)) {
            keys.forEach(dedup::refresh);
            counters.duplicates.incrementAndGet();
            return false;
        }
        pending.add(event);
        pendingKeys.addAll(keys);
        pendingBytes += event.size();
        return true;
    }

    @Override
    public boolean accepting() {
        return !stop.requested() && events.accepting(config.name());
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
        if (bufferedLost) {
            throw new UncheckedIOException("events of input " + config.name() + " emitted before a failed durable "
                    + "store were not stored: this call ends without committing its state",
                    new IOException("the outbox refused a write"));
        }
        flush(true, true);
    }

    /**
     * Stores the buffered events and their commit (dedup keys, and the staged state when {@code withState}) in
     * one durable append, then applies the commit to the stores; {@code waitForRoom} holds it while the
     * outbox is over its cap (back-pressure).
     */
    private void flush(boolean withState, boolean waitForRoom) {
        Map<String, Optional<String>> changes = withState ? state.staged() : Map.of();
        if (pending.isEmpty() && pendingKeys.isEmpty() && changes.isEmpty()) {
            commitRefreshes();
            return;
        }
        if (waitForRoom) {
            awaitRoom();
        }
        BatchCommit commit = BatchCommit.next(stateStore, pendingKeys, changes);
        try {
            events.append(config, List.copyOf(pending), commit.encode());
        } catch (IOException e) {
            // Nothing of the batch counts as stored: the next fetch brings it again.
            discardPending();
            throw new UncheckedIOException("cannot store the events of input " + config.name(), e);
        }
        counters.fetched.addAndGet(pending.size());
        discardPending();
        if (withState) {
            state.clear();
        }
        try {
            commit.apply(dedup, stateStore);
        } catch (IOException e) {
            // Stored with the events: the next fetch rolls the stores forward before it starts.
            throw new UncheckedIOException("events of input " + config.name() + " stored, but its state could not "
                    + "be written; it is applied before the next fetch", e);
        }
    }

    /**
     * Back-pressure: waits while the outbox is over its cap. A graceful stop stores the batch anyway (a cap is
     * soft; the batch would be fetched again otherwise), an immediate one gives it up.
     */
    private void awaitRoom() {
        try {
            while (!events.accepting(config.name()) && !stop.requested()) {
                counters.backPressure(true);
                stop.await(ROOM_POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            discardPending();
            throw new StopRequestedException();
        } finally {
            counters.backPressure(false);
        }
        if (stop.immediate()) {
            discardPending();
            throw new StopRequestedException();
        }
    }

    private void commitRefreshes() {
        try {
            dedup.commit(List.of());
        } catch (IOException e) {
            LOG.warn("input '{}': cannot refresh the dedup keys seen again: {}", config.name(), e.getMessage());
        }
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
    public Network network() {
        return httpProvider.network();
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
    public void statusDetail(String key, Object value) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("a status detail needs a key");
        }
        counters.detail(key, StatusValue.of(value));
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
        state.clear();
    }

    /**
     * Ends the call: stores the durable emits still queued (their emitters may be waiting to answer), closes its
     * resources; later emits are refused.
     */
    public void end() {
        durable.close(); // outside the lock: the storing thread needs it to store what is queued
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
