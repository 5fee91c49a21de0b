package org.cybexp.input.core.runner;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.core.config.CoreInputSettings;
import org.cybexp.input.core.control.Backoff;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.core.control.InputRunner;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.core.control.StopMode;
import org.cybexp.input.core.fetch.BatchCommit;
import org.cybexp.input.core.fetch.FetchCounters;
import org.cybexp.input.core.fetch.HttpAccessProvider;
import org.cybexp.input.core.fetch.InputFetchContext;
import org.cybexp.input.core.http.InputHttpAccess;
import org.cybexp.input.core.network.InputNetwork;
import org.cybexp.input.core.store.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one input: schedules its fetches (period and rate limit, persisted so restarts never hammer a feed),
 * reruns a streaming input, backs off after failures, and stops gracefully or immediately. The scheduler only
 * times things; each fetch runs on a thread of its own named {@code cybexp-input-<name>}, so a hung fetch
 * blocks nobody else.
 */
public final class CybexSourceFetcher implements InputRunner {

    static final String LAST_START = "fetch.last_start";
    static final String NOT_BEFORE = "fetch.not_before";
    /** A stream that ran this long before it ended was healthy: its end does not grow the backoff. */
    static final Duration LONG_STREAM = Duration.ofSeconds(60);
    /** How often an input held by back-pressure looks for room in its outbox. */
    static final Duration ROOM_POLL = Duration.ofSeconds(1);
    /** How long close() waits for the fetch thread, before and after closing the plugin's input. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(CybexSourceFetcher.class);

    private final InputConfig config;
    private final SourceInput input;
    private final FetcherServices services;
    private final CoreInputSettings settings;
    private final Duration minInterval;
    private final InputStores stores;
    private final Backoff backoff;
    /** One per configuration, so a listener's TLS context is built once, not at every reconnect. */
    private final InputNetwork network;
    private final FetchCounters counters = new FetchCounters();
    private final Object lock = new Object();

    // guarded by lock
    private boolean active;
    private boolean backPressured;
    private volatile Runnable onClose;
    private boolean closed;
    private ScheduledFuture<?> next;
    private Instant nextRun;
    private FetchCall current;
    private int consecutiveFailures;
    private long fetchFailures;
    private String lastError;
    private Instant lastErrorAt;
    private Instant lastSuccess;

    public CybexSourceFetcher(InputConfig config, SourceInput input, FetcherServices services) {
        this.config = config;
        this.input = input;
        this.services = services;
        this.settings = CoreInputSettings.orDefaults(config);
        // A stream is reopened after its backoff, not after a poll's rate limit: a live feed (a honeypot relay)
        // loses what it sends while no one listens. An explicit min_interval still applies.
        this.minInterval = input.mode() == SourceInput.Mode.STREAMING && config.get("min_interval").isEmpty()
                ? Duration.ZERO : settings.minInterval();
        this.stores = new InputStores(services.dataDir(), config.name(), settings.dedupTtlDays(), services.clock());
        this.backoff = new Backoff(Duration.ofSeconds(1), services.random());
        this.network = new InputNetwork(settings.http(), settings.tls());
    }

    @Override
    public InputConfig config() {
        return config;
    }

    @Override
    public void start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("input " + config.name() + " is closed");
            }
            if (active) {
                return;
            }
            active = true;
            Instant now = services.clock().instant();
            try {
                schedule(firstRun(stores.state(), now));
            } catch (IOException e) {
                recordFailure(now, "cannot read the state of the input: " + e.getMessage());
                schedule(now.plus(backoff.delay(consecutiveFailures, null)));
            }
        }
    }

    @Override
    public Optional<Instant> fetchNow() {
        synchronized (lock) {
            Instant now = services.clock().instant();
            if (!active || closed) {
                return Optional.empty();
            }
            if (current != null) {
                return Optional.of(now); // one runs already
            }
            Instant at;
            try {
                at = firstRun(stores.state(), now);
            } catch (IOException e) {
                return Optional.ofNullable(nextRun);
            }
            schedule(at);
            return Optional.of(at);
        }
    }

    /** Now, unless the rate limit since the last fetch start (or a wait the server asked for) says later. */
    private Instant firstRun(StateStore state, Instant now) {
        Instant first = now;
        Optional<Instant> lastStart = instant(state, LAST_START);
        if (lastStart.isPresent() && lastStart.get().plus(minInterval).isAfter(first)) {
            first = lastStart.get().plus(minInterval);
        }
        Optional<Instant> notBefore = instant(state, NOT_BEFORE);
        return notBefore.isPresent() && notBefore.get().isAfter(first) ? notBefore.get() : first;
    }

    private static Optional<Instant> instant(StateStore state, String key) {
        try {
            return state.get(key).map(Long::parseLong).map(Instant::ofEpochMilli);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void schedule(Instant at) {
        if (next != null) {
            next.cancel(false);
        }
        long delay = Math.max(0, Duration.between(services.clock().instant(), at).toMillis());
        nextRun = at;
        next = services.scheduler().schedule(this::launch, delay, TimeUnit.MILLISECONDS);
    }

    /** On the scheduler: starts the fetch thread. */
    private void launch() {
        synchronized (lock) {
            if (!active || current != null) {
                return;
            }
            next = null;
            nextRun = null;
            if (!services.events().accepting(config.name())) {
                // back-pressure: the outbox is full; look again soon, fetch once delivery made room
                backPressured = true;
                schedule(services.clock().instant().plus(ROOM_POLL));
                return;
            }
            backPressured = false;
            FetchCall call = new FetchCall(services.clock().instant(), counters.fetched(), counters.duplicates());
            call.thread = new Thread(() -> run(call), "cybexp-input-" + config.name());
            call.thread.setDaemon(true);
            current = call;
            if (input.mode() == SourceInput.Mode.POLLING) {
                long limit = settings.fetchTimeout().toMillis();
                call.timeout = services.scheduler().schedule(() -> timeOut(call), limit, TimeUnit.MILLISECONDS);
            }
            call.thread.start();
        }
    }

    private void timeOut(FetchCall call) {
        synchronized (lock) {
            if (current == call && !call.stopRequested) {
                LOG.warn("input '{}': the fetch did not finish within {} s: interrupting it", config.name(),
                        settings.fetchTimeout().toSeconds());
                call.timedOut = true;
                call.requestStop(true);
            }
        }
    }

    /** On the fetch thread. */
    private void run(FetchCall call) {
        Throwable failure = null;
        try {
            failure = fetch(call);
        } catch (VirtualMachineError e) {
            failure = e;
            throw e;
        } finally {
            finish(call, failure);
            call.done.countDown();
        }
    }

    /** One call of the plugin; returns its failure, or null if it returned normally. */
    private Throwable fetch(FetchCall call) {
        InputFetchContext ctx;
        try {
            StateStore state = stores.state();
            if (BatchCommit.rollForward(services.events().lastCommit(config.name()), stores.dedup(), state)) {
                LOG.info("input '{}': applied the dedup keys and state stored with its last batch", config.name());
            }
            state.commit(LAST_START, Long.toString(call.start.toEpochMilli()));
            ctx = new InputFetchContext(config, services.events(), stores.dedup(), state, counters,
                    services.clock(), HttpAccessProvider.of(network, (staged, resources) -> new InputHttpAccess(
                            services.http(), settings.http(), staged, resources, services.clock())));
        } catch (IOException e) {
            return new IOException("cannot open the state of the input: " + e.getMessage(), e);
        }
        synchronized (lock) {
            call.attach(ctx);
        }
        try {
            input.fetch(ctx);
            if (ctx.aborted()) {
                ctx.abandon();
                return call.timedOut ? timeoutFailure() : null;
            }
            ctx.complete();
            return null;
        } catch (VirtualMachineError e) {
            ctx.abandon();
            throw e;
        } catch (Throwable e) {
            ctx.abandon();
            return e;
        } finally {
            ctx.end();
        }
    }

    private SourceException timeoutFailure() {
        return new SourceException("the fetch did not finish within " + settings.fetchTimeout().toSeconds()
                + " s (fetch_timeout)");
    }

    /** Records the outcome of a call and plans the next one, unless the input is stopping. */
    private void finish(FetchCall call, Throwable thrown) {
        Instant now = services.clock().instant();
        Duration retryAfter = null;
        synchronized (lock) {
            current = null;
            if (call.timeout != null) {
                call.timeout.cancel(false);
            }
            Throwable failure = call.timedOut ? timeoutFailure() : thrown;
            boolean polling = input.mode() == SourceInput.Mode.POLLING;
            boolean stoppedByUser = call.stopRequested && !call.timedOut;
            if (stoppedByUser && (call.immediate || failure == null)) {
                if (polling && failure == null) {
                    succeeded(call, now);
                }
                LOG.info("input '{}': fetch stopped", config.name());
            } else if (!polling) {
                retryAfter = streamEnded(call, failure, now);
            } else if (failure == null) {
                succeeded(call, now);
            } else {
                retryAfter = failed(failure, now);
            }
            if (active) {
                schedule(nextAfter(call, polling && failure == null, retryAfter, now));
            }
        }
        if (retryAfter != null) {
            rememberNotBefore(now.plus(retryAfter));
        }
    }

    private void succeeded(FetchCall call, Instant now) {
        consecutiveFailures = 0;
        lastSuccess = now;
        LOG.info("input '{}': fetched {} new events ({} duplicates dropped)", config.name(),
                counters.fetched() - call.fetchedBefore, counters.duplicates() - call.duplicatesBefore);
    }

    private Duration failed(Throwable failure, Instant now) {
        consecutiveFailures++;
        // A URL or key from ${env:}/${file:} shows as its reference, a secret key's value as ***, and long cut.
        String shown = config.redact(message(failure));
        recordFailure(now, shown);
        LOG.warn("input '{}': fetch failed ({} in a row): {}", config.name(), consecutiveFailures, shown);
        LOG.debug("input '{}': failure details", config.name(), failure);
        return failure instanceof HttpStatusException status ? status.retryAfter().orElse(null) : null;
    }

    /** A stream ended without a stop: rerun it after a backoff; a long healthy run resets the backoff. */
    private Duration streamEnded(FetchCall call, Throwable failure, Instant now) {
        boolean ranLong = Duration.between(call.start, now).compareTo(LONG_STREAM) > 0;
        if (ranLong) {
            succeeded(call, now);
        }
        if (failure == null && ranLong) {
            return null;
        }
        if (failure == null) {
            failure = new SourceException("the stream ended after " + Duration.between(call.start, now).toSeconds()
                    + " s");
        }
        return failed(failure, now);
    }

    private Instant nextAfter(FetchCall call, boolean pollSucceeded, Duration retryAfter, Instant now) {
        Instant rateLimited = call.start.plus(minInterval);
        Instant planned = pollSucceeded ? call.start.plus(config.period())
                : now.plus(backoff.delay(consecutiveFailures, retryAfter));
        return planned.isAfter(rateLimited) ? planned : rateLimited;
    }

    private void rememberNotBefore(Instant notBefore) {
        try {
            stores.state().commit(NOT_BEFORE, Long.toString(notBefore.toEpochMilli()));
        } catch (IOException e) {
            LOG.warn("input '{}': cannot persist the wait the server asked for: {}", config.name(), e.getMessage());
        }
    }

    private void recordFailure(Instant now, String message) {
        fetchFailures++;
        lastError = message;
        lastErrorAt = now;
    }

    /** What is shown of a failure: its message, which plugins and the HTTP access keep free of secrets. */
    static String message(Throwable failure) {
        String text = failure.getMessage();
        if (failure instanceof SourceException || failure instanceof IOException) {
            return text == null ? failure.getClass().getSimpleName() : text;
        }
        return failure.getClass().getSimpleName() + (text == null ? "" : ": " + text);
    }

    @Override
    public boolean stop(StopMode mode, Duration timeout) {
        FetchCall call;
        synchronized (lock) {
            active = false;
            if (next != null) {
                next.cancel(false);
                next = null;
            }
            nextRun = null;
            call = current;
            if (call != null) {
                call.requestStop(mode == StopMode.IMMEDIATE);
            }
        }
        return call == null || awaitEnd(call, timeout);
    }

    private static boolean awaitEnd(FetchCall call, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!call.done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
            call.thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !call.thread.isAlive();
    }

    @Override
    public InputStatus status() {
        DeliveryStats delivery = services.events().stats(config.name());
        synchronized (lock) {
            InputState state = current != null
                    ? (counters.backPressure() ? InputState.BACK_PRESSURE : InputState.RUNNING)
                    : next == null ? InputState.STOPPED
                    : backPressured ? InputState.BACK_PRESSURE
                    : consecutiveFailures > 0 ? InputState.BACKING_OFF : InputState.WAITING;
            String error = lastError;
            Instant errorAt = lastErrorAt;
            if (delivery.tokenRejected()) {
                error = "token rejected by the CYBEX-P API";
                errorAt = delivery.lastErrorAt() == null ? services.clock().instant() : delivery.lastErrorAt();
            } else if (delivery.lastError() != null && delivery.lastErrorAt() != null
                    && (errorAt == null || delivery.lastErrorAt().isAfter(errorAt))) {
                error = delivery.lastError();
                errorAt = delivery.lastErrorAt();
            }
            return new InputStatus(config.name(), config.plugin(), state, counters.detail(), counters.fetched(),
                    counters.duplicates(), counters.malformed(), delivery.delivered(), delivery.deadLettered(),
                    delivery.outboxDepth(), fetchFailures, consecutiveFailures, error, errorAt, lastSuccess,
                    nextRun, null, delivery.deadLetters(), delivery.lastDelivery(), delivery.state(),
                    delivery.retryAt(), delivery.lastError(), counters.refused(), counters.details());
        }
    }

    boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    @Override
    public void close() {
        FetchCall call;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            call = current;
        }
        stop(StopMode.IMMEDIATE, CLOSE_WAIT);
        try {
            input.close();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            LOG.warn("input '{}': closing it failed: {}", config.name(), message(e));
        }
        // Closing the plugin's input may have released a fetch that ignored the stop.
        if (call != null && !awaitEnd(call, CLOSE_WAIT)) {
            LOG.error("input '{}': its fetch thread ignores interrupts and is still running", config.name());
        }
        try {
            stores.close();
        } catch (IOException e) {
            LOG.warn("input '{}': closing its dedup log failed: {}", config.name(), e.getMessage());
        }
        Runnable closed = onClose;
        if (closed != null) {
            closed.run();
        }
    }

    /** Called once closed: the factory forgets the fetcher, so a removed plugin's classes can be unloaded. */
    void onClose(Runnable action) {
        onClose = action;
    }
}
