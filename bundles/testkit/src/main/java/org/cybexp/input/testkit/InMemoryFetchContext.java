package org.cybexp.input.testkit;

import java.io.Closeable;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.PersistentState;
import org.cybexp.input.api.StopRequestedException;

/**
 * The {@link FetchContext} of one fetch call over an {@link InMemoryInputStore}, with the core's rules:
 * <ul>
 * <li>emitted events are buffered and stored in batches (by default 1000 events or 8 MiB, as the core); their
 * dedup keys count as seen as soon as they are emitted and are stored with them;</li>
 * <li>state writes stay staged until {@link #checkpoint()} or the normal end of the call; a call that throws or
 * is stopped immediately drops its unstored events and its staged state;</li>
 * <li>an event whose dedup keys were all seen is dropped and counted as a duplicate;</li>
 * <li>an immediate stop makes {@link #emit} and {@link #checkpoint} throw {@link StopRequestedException},
 * closes the resources registered with {@link #closeOnStop} and interrupts the fetching thread.</li>
 * </ul>
 * Get one from {@link InMemoryInputStore#newContext()}; a context serves one call. Besides the
 * {@link FetchContext} methods it lets the test stop the call ({@link #requestStop()},
 * {@link #requestStopNow()}) and see what the plugin reported ({@link #emitted()}, {@link #malformedReasons()},
 * {@link #progress()}), and wait for it from another thread ({@link #awaitEmitted}, {@link #awaitMalformed},
 * {@link #awaitProgress}). Thread-safe: streaming plugins may emit from their own threads.
 */
public final class InMemoryFetchContext implements FetchContext {

    private final InMemoryInputStore store;
    private final InputConfig config;
    private final Clock clock;
    private final StagedState state;
    private final StopSignal stop = new StopSignal();
    private final CallResources resources = new CallResources();
    private final HttpClient client;
    private final Duration httpTimeout;

    private final List<Event> pending = new ArrayList<>();
    private final Set<String> pendingKeys = new HashSet<>();
    private long pendingBytes;
    private final List<Event> emitted = new ArrayList<>();
    private final List<String> malformed = new ArrayList<>();
    private int duplicates;
    private String progress = "";
    private HttpAccess http;

    private boolean begun;
    private boolean ended;
    private Thread fetchThread;
    private boolean interruptedByStop;

    InMemoryFetchContext(InMemoryInputStore store, InputConfig config, Clock clock, HttpClient client,
            Duration httpTimeout) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.client = client;
        this.httpTimeout = httpTimeout;
        this.state = new StagedState(store);
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
            List<String> keys = event.dedupKeys();
            if (!keys.isEmpty() && keys.stream().allMatch(this::seenLocked)) {
                duplicates++;
                store.countDuplicate();
                notifyAll();
                return;
            }
            pending.add(event);
            pendingKeys.addAll(keys);
            pendingBytes += event.size();
            emitted.add(event);
            if (pending.size() >= store.maxBatchEvents() || pendingBytes >= store.maxBatchBytes()) {
                flush();
            }
            notifyAll();
        }
    }

    @Override
    public synchronized boolean seen(String dedupKey) {
        return seenLocked(dedupKey);
    }

    private boolean seenLocked(String key) {
        return pendingKeys.contains(key) || store.seen(key);
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
        state.commit();
    }

    /** Stores the buffered events with their keys; the staged state stays staged. */
    private void flush() {
        try {
            store.storeEvents(List.copyOf(pending));
        } finally {
            // Stored or lost: like the core, a failed batch is not kept in memory; the next fetch brings it again.
            pending.clear();
            pendingKeys.clear();
            pendingBytes = 0;
        }
    }

    @Override
    public synchronized HttpAccess http() {
        if (http == null) {
            http = new LoopbackHttpAccess(client, state, resources, clock, httpTimeout);
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
    public synchronized void malformed(String reason, byte[] sample) {
        malformed.add(reason);
        store.countMalformed();
        notifyAll();
    }

    @Override
    public synchronized void progress(String detail) {
        progress = detail == null ? "" : detail;
        store.progress(progress);
        notifyAll();
    }

    @Override
    public Clock clock() {
        return clock;
    }

    // ---- for the test ----------------------------------------------------------------------------------------

    /** Requests a graceful stop, as the container does at shutdown or {@code cybexp-input stop}. */
    public void requestStop() {
        stop.request(false);
    }

    /**
     * Requests an immediate stop, as the container does when a stop times out or the plugin is removed:
     * closes the registered resources so that blocked reads return, and interrupts the fetching thread.
     * Callable before the call starts (the call then starts stopped) and from any thread.
     */
    public void requestStopNow() {
        stop.request(true);
        resources.closeAll();
        synchronized (this) {
            interruptFetchThread();
        }
    }

    private void interruptFetchThread() {
        if (fetchThread != null && stop.immediate()) {
            interruptedByStop = true;
            fetchThread.interrupt();
        }
    }

    /** The events accepted in this call (not dropped as duplicates), stored or still buffered. */
    public synchronized List<Event> emitted() {
        return List.copyOf(emitted);
    }

    /** The events of this call dropped because all their dedup keys were seen. */
    public synchronized int duplicates() {
        return duplicates;
    }

    /** The reasons the plugin gave for the malformed records it skipped in this call, in order. */
    public synchronized List<String> malformedReasons() {
        return List.copyOf(malformed);
    }

    /** The plugin's last progress line in this call; empty if it set none. */
    public synchronized String progress() {
        return progress;
    }

    /** The state writes staged and not yet committed. A removal shows as an empty value. */
    public Map<String, Optional<String>> stagedState() {
        return state.staged();
    }

    /** Resources registered with {@link #closeOnStop} (or open HTTP answers) not closed yet: a leak check. */
    public int openResources() {
        return resources.size();
    }

    /** Waits until at least {@code count} events were accepted in this call; false on timeout. */
    public boolean awaitEmitted(int count, Duration timeout) throws InterruptedException {
        return await(ctx -> ctx.emitted.size() >= count, timeout);
    }

    /** Waits until at least {@code count} malformed records were reported in this call; false on timeout. */
    public boolean awaitMalformed(int count, Duration timeout) throws InterruptedException {
        return await(ctx -> ctx.malformed.size() >= count, timeout);
    }

    /** Waits until the progress line matches, e.g. {@code "connected"::equals}; false on timeout. */
    public boolean awaitProgress(Predicate<String> condition, Duration timeout) throws InterruptedException {
        return await(ctx -> condition.test(ctx.progress), timeout);
    }

    /** Waits until the call ended (returned or threw); false on timeout. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return await(ctx -> ctx.ended, timeout);
    }

    private synchronized boolean await(Predicate<InMemoryFetchContext> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    // ---- the call's life, driven by the store ------------------------------------------------------------------

    /** The call starts on the current thread; a stop asked before is applied now, as the core does. */
    synchronized void begin() {
        if (begun) {
            throw new IllegalStateException("a context serves one fetch call; take a new one from the store");
        }
        begun = true;
        fetchThread = Thread.currentThread();
        interruptFetchThread();
    }

    /** The call returned normally: store what it emitted and commit its state. */
    void complete() {
        checkpoint();
    }

    /** The call failed or was stopped immediately: drop the unstored events and the staged state. */
    synchronized void abandon() {
        pending.clear();
        pendingKeys.clear();
        pendingBytes = 0;
        state.discard();
    }

    /**
     * Ends the call: closes its resources, refuses later emits, and clears an interrupt this context caused so
     * that it does not leak into the test's thread.
     */
    void end() {
        synchronized (this) {
            ended = true;
            if (interruptedByStop && fetchThread == Thread.currentThread()) {
                Thread.interrupted();
            }
            fetchThread = null;
            notifyAll();
        }
        resources.closeAll();
    }
}
