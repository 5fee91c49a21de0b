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
 * empty or a wait begins (a backoff, a pause for a refused token or a wrong url, or a full disk), and a timer
 * starts a new one when the wait is over.
 */
final class DeliveryLoop {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLoop.class);
    /** A step's answer for "the outbox is empty, the worker has ended". */
    private static final Duration ENDED = Duration.ofMillis(-1);

    /** Writing down what the sink answered: the acknowledgement or the dead letter. */
    @FunctionalInterface
    private interface LocalStep {
        void run() throws IOException;
    }

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
    /** The sink's answer to the oldest event, while the disk refuses to record it; else null. */
    private LocalStep unrecorded;
    private Instant localFailingSince;

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
                pause = step();
            } catch (IOException e) {
                // the outbox or the dead letters could not be read or written: keep everything, try again soon
                pause = localFailure(e);
            } catch (RuntimeException e) {
                unrecorded = null; // a bug, not a full disk: read the event again (at-least-once) and back off
                pause = transientFailure("local storage: " + e.getMessage(), null);
            }
            if (pause == ENDED) {
                return;
            }
            if (pause != null) {
                waitFor(pause);
                return;
            }
        }
    }

    /** @return how long to wait before the next attempt, null to go on, or {@link #ENDED} when nothing waits */
    private Duration step() throws IOException {
        if (unrecorded != null) {
            return record(unrecorded); // the sink answered already: write that down, do not post the event again
        }
        Optional<StoredEvent> next = outbox.next();
        if (next.isEmpty()) {
            return endIfIdle() ? ENDED : null;
        }
        return deliver(next.get());
    }

    /** @return how long to wait before the next attempt, or null to go on with the next event */
    private Duration deliver(StoredEvent event) throws IOException {
        SinkAnswer answer;
        try {
            answer = sink.get().deliver(event);
        } catch (IOException e) {
            return transientFailure(e.getMessage(), null);
        }
        int status = answer.status();
        return switch (Verdict.of(status)) {
            case DELIVERED -> record(() -> delivered(event));
            case RETRY -> transientFailure(describe(answer), answer.retryAfter());
            case REFUSED -> record(() -> deadLetter(event, answer));
            case TOKEN_REFUSED -> pause(DeliveryState.TOKEN_REJECTED, describe(answer),
                    "the API refused the token (" + describe(answer) + ")");
            case WRONG_ENDPOINT -> pause(DeliveryState.WRONG_ENDPOINT,
                    "wrong endpoint (" + status + "): check url in etc/cybexp.api.cfg",
                    "the API answered " + status + ": the url in etc/cybexp.api.cfg is no /raw endpoint");
        };
    }

    /**
     * Writes down the sink's answer (the acknowledgement, or the dead letter). If the disk refuses (full), the
     * answer is kept and written again after {@link DeliveryTiming#localRetry}: the API has the event already, so
     * posting it again would only make a duplicate.
     */
    private Duration record(LocalStep step) throws IOException {
        unrecorded = step;
        step.run();
        unrecorded = null;
        failures = 0;
        if (localFailingSince != null) {
            LOG.info("input {}: local storage works again after {}; delivery goes on", input,
                    DurationText.of(Duration.between(localFailingSince, now())));
            localFailingSince = null;
        }
        return null;
    }

    private void delivered(StoredEvent event) throws IOException {
        outbox.remove(event);
        stats.delivered(now());
    }

    /** A refused token or a wrong url is about every event of the input: keep them all and pause. */
    private Duration pause(DeliveryState why, String error, String cause) {
        failures = 0;
        stats.error(error, now());
        if (stats.pause(why) != why) {
            LOG.error("input {}: {}; delivery paused with {} events kept in the outbox, trying one again every {} "
                    + "or when cybexp.api changes", input, cause, outbox.depth(), DurationText.of(timing.pauseProbe()));
        }
        return timing.pauseProbe();
    }

    private void deadLetter(StoredEvent event, SinkAnswer answer) throws IOException {
        Instant at = now();
        Path dir = deadLetters.add(event, answer.status(), answer.message(), at);
        outbox.remove(event);
        stats.resume();
        stats.deadLettered(describe(answer), at);
        LOG.warn("input {}: event {} refused for good ({}), kept in {}", input, event.seqText(), describe(answer),
                dir);
    }

    private Duration transientFailure(String error, Duration retryAfter) {
        failures++;
        Duration delay = timing.retry().delay(failures, retryAfter);
        stats.failed(error, now());
        LOG.warn("input {}: delivery failed ({}), failure {} in a row; next try in {}", input, error, failures,
                DurationText.of(delay));
        return delay;
    }

    /**
     * The local disk failed (full, most likely): not the API's failure, so no backoff grows; a short fixed wait
     * lets delivery go on within seconds of space returning. Logged once per episode, not at every retry.
     */
    private Duration localFailure(IOException e) {
        String error = "local storage: " + e.getMessage();
        stats.error(error, now());
        if (localFailingSince == null) {
            localFailingSince = now();
            LOG.error("input {}: {}; {} events kept in the outbox, trying again every {}", input, error,
                    outbox.depth(), DurationText.of(timing.localRetry()));
        }
        return timing.localRetry();
    }

    /** Shown in status as the input's last delivery error, e.g. a disk nearly full. */
    void problem(String text) {
        stats.error(text, now());
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
