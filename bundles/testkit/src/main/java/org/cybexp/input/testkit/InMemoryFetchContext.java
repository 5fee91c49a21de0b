package org.cybexp.input.testkit;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

import org.cybexp.input.api.EmitResult;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.Network;
import org.cybexp.input.api.PersistentState;
import org.cybexp.input.api.StopRequestedException;
import org.cybexp.input.core.fetch.FetchCounters;
import org.cybexp.input.core.fetch.FetchResources;
import org.cybexp.input.core.fetch.HttpAccessProvider;
import org.cybexp.input.core.fetch.InputFetchContext;
import org.cybexp.input.core.fetch.StagedState;
import org.cybexp.input.core.http.SharedHttpClient;

/**
 * The {@link FetchContext} of one fetch call over an {@link InMemoryInputStore}: the container's own context
 * (the core's {@code InputFetchContext}), so its rules are the container's:
 * <ul>
 * <li>emitted events are buffered and stored in batches (by default 1000 events or 8 MiB); each batch is stored
 * with its dedup keys, and at a checkpoint with the staged state, in one append to the outbox;</li>
 * <li>state writes stay staged until {@link #checkpoint()} or the normal end of the call; a call that throws or
 * is stopped immediately drops its unstored events and its staged state;</li>
 * <li>an event whose dedup keys were all seen (stored, or emitted earlier in the call) is dropped and counted
 * as a duplicate;</li>
 * <li>an immediate stop makes {@link #emit} and {@link #checkpoint} throw {@link StopRequestedException},
 * closes the resources registered with {@link #closeOnStop} and interrupts the fetching thread.</li>
 * </ul>
 * Get one from {@link InMemoryInputStore#newContext()}; a context serves one call. Besides the
 * {@link FetchContext} methods it lets the test stop the call ({@link #requestStop()},
 * {@link #requestStopNow()}) and see what the plugin reported ({@link #emitted()}, {@link #malformedReasons()},
 * {@link #progress()}), and wait for it from another thread ({@link #awaitEmitted}, {@link #awaitMalformed},
 * {@link #awaitProgress}). Thread-safe: streaming plugins may emit from their own threads.
 *
 * @since 1.0
 */
public final class InMemoryFetchContext implements FetchContext {

    /**
     * The core interrupts the thread it is given with an immediate stop; before the call starts and after it
     * ended there is none to interrupt, and interrupting a thread never started does nothing.
     */
    private static final Thread NO_FETCH_THREAD = new Thread(() -> { }, "testkit-no-fetch-thread");

    private final InMemoryInputStore store;
    private final InputFetchContext call;
    private final FetchCounters counters;
    private final SharedHttpClient httpClients;
    private final HttpAccess http;
    private final FetchResources resources;

    // guarded by this: what the plugin reported, for the test and its waits
    private final List<Event> emitted = new ArrayList<>();
    private final List<String> malformed = new ArrayList<>();
    private String progress = "";
    private boolean ended;

    // guarded by life: the thread running the call, so a stop interrupts it and the kit's interrupt ends with it
    private final Object life = new Object();
    private boolean begun;
    private Thread fetchThread;
    private boolean interruptedByStop;

    /**
     * @param contexts builds the core's context of the call with the given HTTP access provider
     * @param http the HTTP access of a call, over the given client pool
     * @param network the input's network settings, as the container gives them to every call
     */
    InMemoryFetchContext(InMemoryInputStore store, FetchCounters counters,
            Function<HttpAccessProvider, InputFetchContext> contexts, HttpOverPool http, Network network) {
        this.store = store;
        this.counters = counters;
        this.httpClients = LoopbackHttpAccess.newClients();
        FetchResources[] handed = new FetchResources[1];
        this.call = contexts.apply(HttpAccessProvider.of(network, (staged, callResources) -> {
            handed[0] = callResources;
            return http.forCall(httpClients, staged, callResources);
        }));
        // The core makes a call's HTTP access on first use and hands it the call's resources: asking for it
        // now gives the kit those resources too (for openResources()); no connection is made before a request.
        this.http = call.http();
        this.resources = handed[0];
    }

    /** Makes the HTTP access of a call over a client pool the context owns. */
    @FunctionalInterface
    interface HttpOverPool {
        HttpAccess forCall(SharedHttpClient clients, PersistentState state, FetchResources resources);
    }

    @Override
    public InputConfig config() {
        return call.config();
    }

    @Override
    public void emit(Event event) {
        synchronized (this) {
            // Serialized here so that the call's duplicate counter tells whether the core took this event.
            long duplicatesBefore = counters.duplicates();
            call.emit(event);
            if (counters.duplicates() == duplicatesBefore) {
                emitted.add(event);
            }
            notifyAll();
        }
    }

    /** Records the event as emitted once the core stored it, before the plugin sees its stage complete. */
    @Override
    public CompletionStage<EmitResult> emitDurably(Event event) {
        return call.emitDurably(event).whenComplete((result, failure) -> {
            if (result == EmitResult.STORED) {
                synchronized (this) {
                    emitted.add(event);
                    notifyAll();
                }
            }
        });
    }

    @Override
    public boolean accepting() {
        return call.accepting();
    }

    @Override
    public boolean seen(String dedupKey) {
        return call.seen(dedupKey);
    }

    @Override
    public PersistentState state() {
        return call.state();
    }

    @Override
    public void checkpoint() {
        call.checkpoint();
    }

    @Override
    public HttpAccess http() {
        return http;
    }

    /**
     * The container's network settings of the input: its TLS contexts, proxy and User-Agent. Unlike
     * {@link #http()} they do not keep a plugin on loopback: a test points the plugin at loopback servers.
     */
    @Override
    public Network network() {
        return call.network();
    }

    @Override
    public boolean stopRequested() {
        return call.stopRequested();
    }

    @Override
    public boolean stopNow() {
        return call.stopNow();
    }

    @Override
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return call.awaitStop(timeout);
    }

    @Override
    public void closeOnStop(Closeable resource) {
        call.closeOnStop(resource);
    }

    @Override
    public void malformed(String reason, byte[] sample) {
        call.malformed(reason, sample);
        synchronized (this) {
            malformed.add(reason);
            notifyAll();
        }
    }

    @Override
    public void progress(String detail) {
        call.progress(detail);
        String line = detail == null ? "" : detail;
        store.progressed(line);
        synchronized (this) {
            progress = line;
            notifyAll();
        }
    }

    @Override
    public void statusDetail(String key, Object value) {
        call.statusDetail(key, value);
    }

    @Override
    public Clock clock() {
        return call.clock();
    }

    // ---- for the test ----------------------------------------------------------------------------------------

    /** Requests a graceful stop, as the container does at shutdown or {@code cybexp-input stop}. */
    public void requestStop() {
        call.requestStop(false, NO_FETCH_THREAD);
    }

    /**
     * Requests an immediate stop, as the container does when a stop times out or the plugin is removed:
     * closes the registered resources so that blocked reads return, and interrupts the fetching thread.
     * Callable before the call starts (the call then starts stopped) and from any thread.
     */
    public void requestStopNow() {
        // First the signal and the resources, holding no lock: closing a resource may wait for a callback
        // thread of the plugin that emits. Then the interrupt, which the core never delivers while it stores.
        call.requestStop(true, NO_FETCH_THREAD);
        synchronized (life) {
            if (fetchThread != null) {
                interruptedByStop = true;
                call.requestStop(true, fetchThread);
            }
        }
    }

    /** The events accepted in this call (not dropped as duplicates), stored or still buffered. */
    public synchronized List<Event> emitted() {
        return List.copyOf(emitted);
    }

    /** The events of this call dropped because all their dedup keys were seen. */
    public int duplicates() {
        return (int) counters.duplicates();
    }

    /** The reasons the plugin gave for the malformed records it skipped in this call, in order. */
    public synchronized List<String> malformedReasons() {
        return List.copyOf(malformed);
    }

    /** The plugin's last progress line in this call; empty if it set none. */
    public synchronized String progress() {
        return progress;
    }

    /** The plugin's structured status as the container shows it under {@code details} (JSON-like values). */
    public Map<String, Object> statusDetails() {
        return counters.details();
    }

    /** The state writes staged and not yet committed. A removal shows as an empty value. */
    public Map<String, Optional<String>> stagedState() {
        return Collections.unmodifiableMap(((StagedState) call.state()).staged());
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

    // ---- the call's life, driven by the store as the core's fetcher drives it -------------------------------

    boolean belongsTo(InMemoryInputStore owner) {
        return store == owner;
    }

    /** Claims the context for a call. */
    void claim() {
        synchronized (life) {
            if (begun) {
                throw new IllegalStateException("a context serves one fetch call; take a new one from the store");
            }
            begun = true;
        }
    }

    /** The call runs on the current thread from now; an immediate stop asked before is applied now. */
    void attach() {
        synchronized (life) {
            fetchThread = Thread.currentThread();
            if (call.stopNow()) {
                interruptedByStop = true;
                call.requestStop(true, fetchThread);
            }
        }
    }

    /** The plugin returned: store what it emitted and commit its state, unless it was stopped immediately. */
    void finish() {
        if (call.aborted()) {
            call.abandon();
        } else {
            call.complete();
        }
    }

    /** The call failed: drop the unstored events and the staged state. */
    void abandon() {
        call.abandon();
    }

    /**
     * Ends the call: closes its resources and client pool, refuses later emits, and clears an interrupt this
     * context caused so that it does not leak into the test's thread.
     */
    void end() {
        try {
            call.end();
            httpClients.close();
        } finally {
            synchronized (life) {
                if (interruptedByStop && fetchThread == Thread.currentThread()) {
                    Thread.interrupted();
                }
                fetchThread = null;
            }
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }
}
