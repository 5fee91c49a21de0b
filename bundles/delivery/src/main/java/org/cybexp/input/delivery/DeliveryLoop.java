package org.cybexp.input.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.cybexp.input.core.control.DeliveryState;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.delivery.sink.Sink;
import org.cybexp.input.delivery.sink.SinkAnswer;
import org.cybexp.input.delivery.store.Outbox;
import org.cybexp.input.delivery.store.StoredEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one input's outbox to the sink, oldest first, one request at a time so the input's order is kept. It
 * runs on its own thread {@code cybexp-deliver-<input>} while there is work; the thread ends when the outbox is
 * empty or a wait begins (a backoff or the token pause), and a timer starts a new one when the wait is over.
 */
final class DeliveryLoop {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLoop.class);

    private final String input;
    private final Outbox outbox;
    private final InputStats stats;
    private final Supplier<Sink> sink;
    private final DeadLetters deadLetters;
    private final DeliveryTiming timing;

    // guarded by this
    private Thread worker;
    private ScheduledFuture<?> timer;
    private Instant timerDue;
    private long timerGeneration;
    private boolean closed;

    // used by one worker at a time; handed from one to the next through the monitor
    private int failures;
    private boolean tokenRefusedLast;

    DeliveryLoop(String input, Outbox outbox, InputStats stats, Supplier<Sink> sink, DeadLetters deadLetters,
            DeliveryTiming timing) {
        this.input = input;
        this.outbox = outbox;
        this.stats = stats;
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.timing = timing;
    }

    Outbox outbox() {
        return outbox;
    }

    /** @param deadLetters how many dead letters the input holds now */
    DeliveryStats stats(long deadLetters) {
        DeliveryState state;
        Instant retryAt;
        synchronized (this) {
            state = timer != null ? DeliveryState.RETRYING
                    : worker != null ? DeliveryState.DELIVERING : DeliveryState.IDLE;
            retryAt = timer != null ? timerDue : null;
        }
        return stats.snapshot(outbox.depth(), deadLetters, state, retryAt);
    }

    /** New events are waiting: start delivering unless already at it or in a wait (which keeps the order). */
    synchronized void wake() {
        if (timer == null) {
            startIfNeeded();
        }
    }

    /** Ends any wait and tries now (the sink's configuration changed). */
    synchronized void retryNow() {
        cancelTimer();
        startIfNeeded();
    }

    /** No new request after the one in flight; what is left stays in the outbox. */
    synchronized void stop() {
        closed = true;
        cancelTimer();
    }

    /** Waits for the request in flight, if any, to end. @return true if no thread of this loop runs any more */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        Thread running;
        synchronized (this) {
            running = worker;
        }
        if (running != null) {
            running.join(Math.max(1, timeout.toMillis()));
            return !running.isAlive();
        }
        return true;
    }

    private void startIfNeeded() {
        if (!closed && worker == null && !outbox.isEmpty()) {
            worker = new Thread(this::drain, "cybexp-deliver-" + input);
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void cancelTimer() {
        timerGeneration++;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
            timerDue = null;
        }
    }

    private void drain() {
        while (!endIfClosed()) {
            Duration pause;
            try {
                Optional<StoredEvent> next = outbox.next();
                if (next.isEmpty()) {
                    if (endIfIdle()) {
                        return;
                    }
                    continue;
                }
                pause = deliver(next.get());
            } catch (IOException | RuntimeException e) {
                // the outbox or the dead letters could not be read or written: keep everything, try again later
                pause = transientFailure("local storage: " + e.getMessage(), null);
            }
            if (pause != null) {
                waitFor(pause);
                return;
            }
        }
    }

    /** @return how long to wait before the next attempt, or null to go on with the next event */
    private Duration deliver(StoredEvent event) throws IOException {
        SinkAnswer answer;
        try {
            answer = sink.get().deliver(event);
        } catch (IOException e) {
            return transientFailure(e.getMessage(), null);
        }
        switch (Verdict.of(answer.status())) {
            case DELIVERED -> {
                outbox.remove(event);
                stats.delivered(now());
                failures = 0;
                tokenRefusedLast = false;
                return null;
            }
            case RETRY -> {
                return transientFailure(describe(answer), answer.retryAfter());
            }
            case REFUSED -> {
                deadLetter(event, answer);
                failures = 0;
                tokenRefusedLast = false;
                stats.tokenRejected(false);
                return null;
            }
            default -> {
                return tokenRefused(event, answer);
            }
        }
    }

    /** One refusal may be about that event's org; two in a row mean the token: pause instead of refusing all. */
    private Duration tokenRefused(StoredEvent event, SinkAnswer answer) throws IOException {
        failures = 0;
        if (!tokenRefusedLast) {
            tokenRefusedLast = true;
            deadLetter(event, answer);
            return null;
        }
        stats.error(describe(answer), now());
        if (!stats.tokenRejected(true)) {
            LOG.error("input {}: the API refused the token for two events in a row ({}); delivery paused with {} "
                    + "events kept in the outbox, trying one again every {} or when cybexp.api changes",
                    input, describe(answer), outbox.depth(), timing.tokenProbe());
        }
        return timing.tokenProbe();
    }

    private void deadLetter(StoredEvent event, SinkAnswer answer) throws IOException {
        Instant at = now();
        Path dir = deadLetters.add(event, answer.status(), answer.message(), at);
        outbox.remove(event);
        stats.deadLettered(describe(answer), at);
        LOG.warn("input {}: event {} refused for good ({}), kept in {}", input, event.seqText(), describe(answer),
                dir);
    }

    private Duration transientFailure(String error, Duration retryAfter) {
        failures++;
        Duration delay = timing.retry().delay(failures, retryAfter);
        stats.failed(error, now());
        LOG.warn("input {}: delivery failed ({}), failure {} in a row; next try in {} ms", input, error, failures,
                delay.toMillis());
        return delay;
    }

    private synchronized boolean endIfClosed() {
        if (closed) {
            worker = null;
        }
        return closed;
    }

    private synchronized boolean endIfIdle() {
        // under the monitor: an append that wake() could not see finds the worker gone and starts a new one
        if (closed || outbox.isEmpty()) {
            worker = null;
            return true;
        }
        return false;
    }

    private synchronized void waitFor(Duration pause) {
        worker = null;
        if (!closed) {
            long generation = ++timerGeneration;
            timerDue = now().plus(pause);
            timer = timing.scheduler().schedule(() -> timerFired(generation), pause.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void timerFired(long generation) {
        if (generation == timerGeneration) {
            timer = null;
            timerDue = null;
            startIfNeeded();
        }
    }

    private static String describe(SinkAnswer answer) {
        return (answer.status() + " " + answer.message()).trim();
    }

    private Instant now() {
        return timing.clock().instant();
    }
}
