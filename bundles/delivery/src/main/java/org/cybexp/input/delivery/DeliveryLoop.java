package org.cybexp.input.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.cybexp.input.core.control.DeliveryObserver;
import org.cybexp.input.core.control.DeliveryState;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.delivery.sink.Sink;
import org.cybexp.input.delivery.sink.SinkAnswer;
import org.cybexp.input.delivery.store.Outbox;
import org.cybexp.input.delivery.store.StoredEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one input's outbox to the sink with up to {@code window} posts in flight (the API is on another
 * server: one round trip at a time would cap the input at 1 / round trip). Each post runs on a worker thread
 * {@code cybexp-deliver-<input>}; workers end when nothing is left to post or a wait begins, and new ones start
 * when events are appended or the wait is over. Answers come in any order, so events are no longer posted in
 * the input's order; each is acknowledged on its own ({@link Outbox#remove}).
 *
 * <p>A transient failure, a refused token or a wrong url starts one wait for the whole input (a backoff, or a
 * pause probed every few minutes): the posts already in flight finish, no new one starts, and the failed event
 * is posted again first. After a wait one post goes alone (a probe); once it gets through the window opens
 * again. A slow post holds only its own slot: the others go on.
 */
final class DeliveryLoop {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLoop.class);
    /** For a failure that is not a post's (a bug): always counted into the streak. */
    private static final long COUNTED = -1;

    /** One piece of work a worker took: a post, or writing down an answer again. @return a wait, or null */
    @FunctionalInterface
    private interface Work {
        Duration run();
    }

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
    private final DeliveryObserver observer;
    private final RecentFates fates;
    private volatile int window;

    // guarded by this
    private final Set<Thread> workers = new HashSet<>();
    /** Events handed out by the outbox whose post failed: posted again first, after the wait. */
    private final Deque<StoredEvent> again = new ArrayDeque<>();
    /** Answers of the sink the disk refused to record (full): written again, the events never posted again. */
    private final Deque<LocalStep> unrecorded = new ArrayDeque<>();
    private ScheduledFuture<?> timer;
    private Instant timerDue;
    private long timerGeneration;
    /**
     * How many waits have begun: a post remembers the episode it was sent in, so that the posts in flight that
     * fail together count as one failure of the API, not as a streak of up to max_in_flight.
     */
    private long episode;
    private boolean closed;
    /** After a wait: one post at a time until one gets through. */
    private boolean probing;
    private int failures;
    private Instant localFailingSince;

    /** @param window how many posts of this input may be in flight at once (max_in_flight) */
    DeliveryLoop(String input, Outbox outbox, InputStats stats, Supplier<Sink> sink, DeadLetters deadLetters,
            DeliveryTiming timing, int window) {
        this(input, outbox, stats, sink, deadLetters, timing, window, (name, status, took) -> { },
                new RecentFates(1));
    }

    /**
     * @param observer told how long each post took (the metrics' histogram)
     * @param fates where each event's end (delivered, dead-lettered) is noted for receipts
     */
    DeliveryLoop(String input, Outbox outbox, InputStats stats, Supplier<Sink> sink, DeadLetters deadLetters,
            DeliveryTiming timing, int window, DeliveryObserver observer, RecentFates fates) {
        this.observer = observer;
        this.fates = fates;
        this.input = input;
        this.outbox = outbox;
        this.stats = stats;
        this.sink = sink;
        this.deadLetters = deadLetters;
        this.timing = timing;
        this.window = Math.max(1, window);
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
                    : !workers.isEmpty() ? DeliveryState.DELIVERING : DeliveryState.IDLE;
            retryAt = timer != null ? timerDue : null;
        }
        return stats.snapshot(outbox.depth(), deadLetters, state, retryAt);
    }

    /** Sets how many posts may be in flight (max_in_flight changed); more workers start at once if there is work. */
    synchronized void window(int posts) {
        window = Math.max(1, posts);
        startWorkers();
    }

    /** New events are waiting: start posting them unless in a wait. */
    synchronized void wake() {
        startWorkers();
    }

    /** Ends any wait and tries now (the sink's configuration changed). */
    synchronized void retryNow() {
        cancelTimer();
        startWorkers();
    }

    /** No new post after those in flight; what is left stays in the outbox. */
    synchronized void stop() {
        closed = true;
        cancelTimer();
    }

    /** Waits for the posts in flight, if any, to end. @return true if no thread of this loop runs any more */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        List<Thread> running;
        synchronized (this) {
            running = new ArrayList<>(workers);
        }
        long end = System.nanoTime() + timeout.toNanos();
        for (Thread thread : running) {
            thread.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** Shown in status as the input's last delivery error, e.g. a disk nearly full. */
    void problem(String text) {
        stats.error(text, now());
    }

    /** Starts as many workers as there is work for, up to the window (one while probing). */
    private void startWorkers() {
        if (closed || timer != null) {
            return;
        }
        long work = unrecorded.size() + again.size() + outbox.waiting();
        long wanted = Math.min(probing ? 1 : window, work);
        while (workers.size() < wanted) {
            Thread worker = new Thread(this::work, "cybexp-deliver-" + input);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    private void work() {
        Work next;
        while ((next = take()) != null) {
            Duration pause;
            try {
                pause = next.run();
            } catch (RuntimeException e) {
                pause = failed(null, "local storage: " + e.getMessage(), null, COUNTED); // a bug: back off, keep all
            }
            if (pause != null) {
                waitFor(pause);
            }
        }
    }

    /** The next piece of work, or null when this worker ends (nothing left, a wait, stopped, probing). */
    private synchronized Work take() {
        Thread me = Thread.currentThread();
        if (closed || timer != null || workers.size() > (probing ? 1 : window)) {
            workers.remove(me);
            return null;
        }
        LocalStep step = unrecorded.pollFirst();
        if (step != null) {
            return () -> record(null, step);
        }
        StoredEvent event = again.pollFirst();
        if (event == null) {
            try {
                event = outbox.next().orElse(null);
            } catch (IOException e) {
                // the outbox could not be read: keep everything, try again soon
                return () -> localFailure(e);
            }
        }
        if (event == null) {
            workers.remove(me); // under the monitor: an append that wake() could not see starts a new worker
            return null;
        }
        StoredEvent taken = event;
        long sentIn = episode;
        return () -> post(taken, sentIn);
    }

    /**
     * @param sentIn the episode the post is sent in
     * @return how long to wait before the next attempt, or null to go on with the next event
     */
    private Duration post(StoredEvent event, long sentIn) {
        SinkAnswer answer;
        long began = System.nanoTime();
        try {
            answer = sink.get().deliver(event);
        } catch (IOException e) {
            observer.posted(input, 0, Duration.ofNanos(System.nanoTime() - began));
            return failed(event, e.getMessage(), null, sentIn);
        } catch (RuntimeException e) {
            observer.posted(input, 0, Duration.ofNanos(System.nanoTime() - began));
            return failed(event, e.toString(), null, sentIn); // a bug of the sink: as transient
        }
        observer.posted(input, answer.status(), Duration.ofNanos(System.nanoTime() - began));
        int status = answer.status();
        return switch (Verdict.of(status)) {
            case DELIVERED -> record(event, () -> delivered(event, answer));
            case RETRY -> failed(event, describe(answer), answer.retryAfter(), sentIn);
            case REFUSED -> record(event, () -> deadLetter(event, answer));
            case TOKEN_REFUSED -> pause(event, DeliveryState.TOKEN_REJECTED, describe(answer),
                    "the API refused the token (" + describe(answer) + ")");
            case WRONG_ENDPOINT -> pause(event, DeliveryState.WRONG_ENDPOINT,
                    "wrong endpoint (" + status + "): check url in etc/cybexp.api.cfg",
                    "the API answered " + status + ": the url in etc/cybexp.api.cfg is no /raw endpoint");
        };
    }

    /**
     * Puts the event back to be posted first and starts the wait, in one step: another worker must not take it
     * and post it again before the wait began. @return null, the wait has begun
     */
    private synchronized Duration postAgainAfter(StoredEvent event, Duration wait) {
        again.addFirst(event);
        waitFor(wait);
        return null;
    }

    /**
     * Writes down the sink's answer (the acknowledgement, or the dead letter). If the disk refuses (full), the
     * answer is kept and written again after {@link DeliveryTiming#localRetry}: the API has the event already, so
     * posting it again would only make a duplicate.
     *
     * @param event the event the answer is about; null when writing down an answer again
     */
    private Duration record(StoredEvent event, LocalStep step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            // a bug, not a full disk: post the event again (at-least-once) after the backoff
            return failed(event, "local storage: " + e.getMessage(), null, COUNTED);
        } catch (IOException e) {
            synchronized (this) {
                unrecorded.addFirst(step);
            }
            return localFailure(e);
        }
        gotThrough();
        return null;
    }

    /** An answer about the event itself was written down: no failure streak, and the window opens again. */
    private synchronized void gotThrough() {
        failures = 0;
        if (localFailingSince != null) {
            LOG.info("input {}: local storage works again after {}; delivery goes on", input,
                    DurationText.of(Duration.between(localFailingSince, now())));
            localFailingSince = null;
        }
        if (probing) {
            probing = false;
            startWorkers();
        }
    }

    private void delivered(StoredEvent event, SinkAnswer answer) throws IOException {
        outbox.remove(event);
        fates.delivered(input, event.header(), answer.status(), answer.message(), now());
        synchronized (this) {
            // an answer to a post sent before a pause began (the window) does not end it; the probe's does
            stats.delivered(now(), timer == null);
        }
    }

    /** A refused token or a wrong url is about every event of the input: keep them all and pause. @return null */
    private Duration pause(StoredEvent event, DeliveryState why, String error, String cause) {
        stats.error(error, now());
        DeliveryState before;
        synchronized (this) {
            failures = 0;
            before = stats.pause(why);
            // with the pause, under the monitor: a late answer sees both or neither, no worker takes the event
            postAgainAfter(event, timing.pauseProbe());
        }
        if (before != why) {
            LOG.error("input {}: {}; delivery paused with {} events kept in the outbox, trying one again every {} "
                    + "or when cybexp.api changes", input, cause, outbox.depth(), DurationText.of(timing.pauseProbe()));
        }
        return null; // the wait began with the pause
    }

    private void deadLetter(StoredEvent event, SinkAnswer answer) throws IOException {
        Instant at = now();
        Path dir = deadLetters.add(event, answer.status(), answer.message(), at);
        outbox.remove(event);
        fates.deadLettered(input, event.header(), answer.status(), answer.message(), at);
        synchronized (this) {
            if (timer == null) {
                stats.resume();
            }
        }
        stats.deadLettered(describe(answer), at);
        LOG.warn("input {}: event {} refused for good ({}), kept in {}", input, event.seqText(), describe(answer),
                dir);
    }

    /**
     * A transient failure: the event is put back to be posted first and the backoff begins, in one step under the
     * monitor (another worker must neither take the event nor count the same failure of the API again).
     *
     * <p>The failure adds to the streak only if no wait began since the post went out: the others in flight with
     * it, failing a moment later, are the same failure of the API (counting each would make one blip with 8 posts
     * in flight a wait of 2^8 s). Such a late one extends a running wait at most to its own backoff; once the wait
     * is over it waits no more, as the probe decides, unless the API asked for a Retry-After.
     *
     * @param event the event to post again, or null if the failure was no post's
     * @param sentIn the episode the post went out in, or {@link #COUNTED}
     * @return null: the wait, if any, has begun
     */
    private Duration failed(StoredEvent event, String error, Duration retryAfter, long sentIn) {
        boolean counted;
        int streak;
        Duration delay;
        synchronized (this) {
            counted = sentIn == COUNTED || sentIn == episode;
            if (counted) {
                failures++;
            }
            streak = Math.max(1, failures);
            delay = timing.retry().delay(streak, retryAfter);
            if (event != null) {
                again.addFirst(event);
            }
            if (counted || timer != null || retryAfter != null) {
                waitFor(delay);
            }
        }
        stats.failed(error, now(), counted);
        if (counted) {
            LOG.warn("input {}: delivery failed ({}), failure {} in a row; next try in {}", input, error, streak,
                    DurationText.of(delay));
        } else {
            LOG.debug("input {}: a post sent before the wait failed too ({})", input, error);
        }
        return null;
    }

    /**
     * The local disk failed (full, most likely): not the API's failure, so no backoff grows; a short fixed wait
     * lets delivery go on within seconds of space returning. Logged once per episode, not at every retry.
     */
    private Duration localFailure(IOException e) {
        String error = "local storage: " + e.getMessage();
        stats.error(error, now());
        boolean first;
        synchronized (this) {
            first = localFailingSince == null;
            if (first) {
                localFailingSince = now();
            }
        }
        if (first) {
            LOG.error("input {}: {}; {} events kept in the outbox, trying again every {}", input, error,
                    outbox.depth(), DurationText.of(timing.localRetry()));
        }
        return timing.localRetry();
    }

    /** Starts the wait, or makes a running one longer; every worker ends at its next take. */
    private synchronized void waitFor(Duration pause) {
        if (closed) {
            return;
        }
        Instant due = now().plus(pause);
        if (timer != null && !due.isAfter(timerDue)) {
            return;
        }
        cancelTimer();
        probing = true;
        episode++;
        long generation = ++timerGeneration;
        timerDue = due;
        timer = timing.scheduler().schedule(() -> timerFired(generation), pause.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void timerFired(long generation) {
        if (generation == timerGeneration) {
            timer = null;
            timerDue = null;
            startWorkers();
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

    private static String describe(SinkAnswer answer) {
        return (answer.status() + " " + answer.message()).trim();
    }

    private Instant now() {
        return timing.clock().instant();
    }
}
