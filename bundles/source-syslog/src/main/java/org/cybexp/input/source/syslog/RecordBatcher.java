package org.cybexp.input.source.syslog;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.cybexp.input.api.EmitResult;
import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;

/**
 * Collects the NDJSON lines of many connections into records of at most {@code messages_per_record} lines,
 * each stored with {@link FetchContext#emitDurably}; a partial record is stored {@code record_seconds} after its
 * first line, or at once when a RELP sender waits for its answers ({@link #flush()}). Each line may carry an
 * {@link Ack}, called only once its record is on disk. A record the outbox refuses (over its cap, a full disk)
 * is kept and stored again later, never dropped; meanwhile {@link #congested()} is true and the TCP listeners
 * stop reading, so memory stays bounded.
 */
final class RecordBatcher {

    static final String MEDIA_TYPE = "application/x-ndjson";
    private static final int MAX_IN_FLIGHT = 8;
    private static final long RETRY_MILLIS = 200;

    /** Told what became of one message. Called on the container's storing thread: keep it short. */
    interface Ack {
        void stored();

        /** Not stored (the input stops): do not acknowledge it; the sender sends it again. */
        void failed();
    }

    private static final class Batch {
        final ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        final List<Ack> acks = new ArrayList<>();
        int lines;
        final long startedNanos = System.nanoTime();
    }

    private final FetchContext ctx;
    private final int perRecord;
    private final long maxAgeNanos;
    private final ScheduledExecutorService timer;
    private final Runnable relief;
    private final ListenerStats stats;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger retrying = new AtomicInteger();
    private Batch current; // guarded by this

    RecordBatcher(FetchContext ctx, int perRecord, Duration maxAge, ScheduledExecutorService timer,
            Runnable relief, ListenerStats stats) {
        this.ctx = ctx;
        this.perRecord = perRecord;
        this.maxAgeNanos = maxAge.toNanos();
        this.timer = timer;
        this.relief = relief;
        this.stats = stats;
        timer.scheduleWithFixedDelay(this::flushIfOld, 50, 50, TimeUnit.MILLISECONDS);
    }

    /** Adds one message's line; {@code ack} may be null (UDP, TCP: nothing to answer). */
    void add(byte[] line, Ack ack) {
        Batch full = null;
        synchronized (this) {
            if (current == null) {
                current = new Batch();
            }
            current.body.writeBytes(line);
            current.lines++;
            if (ack != null) {
                current.acks.add(ack);
            }
            if (current.lines >= perRecord) {
                full = current;
                current = null;
            }
        }
        if (full != null) {
            store(full);
        }
    }

    /** Stores the partial record now (a RELP sender waits for its answers, or the input stops). */
    void flush() {
        Batch partial;
        synchronized (this) {
            partial = current;
            current = null;
        }
        if (partial != null) {
            store(partial);
        }
    }

    private void flushIfOld() {
        Batch old = null;
        synchronized (this) {
            if (current != null && System.nanoTime() - current.startedNanos >= maxAgeNanos) {
                old = current;
                current = null;
            }
        }
        if (old != null) {
            store(old);
        }
        relief.run(); // also notices the outbox taking events again
    }

    /** Whether listeners should stop reading: records wait for the disk, or the outbox is over its cap. */
    boolean congested() {
        return inFlight.get() >= MAX_IN_FLIGHT || retrying.get() > 0 || !ctx.accepting();
    }

    /** Whether every record handed over so far is stored (or given up). */
    boolean idle() {
        synchronized (this) {
            if (current != null) {
                return false;
            }
        }
        return inFlight.get() == 0 && retrying.get() == 0;
    }

    private void store(Batch batch) {
        inFlight.incrementAndGet();
        Event event = Event.of(batch.body.toByteArray(), MEDIA_TYPE);
        try {
            ctx.emitDurably(event).whenComplete((result, failure) -> done(batch, result, failure));
        } catch (RuntimeException e) {
            done(batch, null, e);
        }
    }

    private void done(Batch batch, EmitResult result, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause == null && result != EmitResult.REFUSED_FULL) {
            inFlight.decrementAndGet();
            stats.stored.addAndGet(batch.lines);
            batch.acks.forEach(Ack::stored);
        } else if ((cause == null || cause instanceof UncheckedIOException) && !ctx.stopRequested()) {
            retrying.incrementAndGet(); // over the cap or a full disk: keep it, store it again soon
            inFlight.decrementAndGet();
            timer.schedule(() -> {
                retrying.decrementAndGet();
                store(batch);
            }, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            stats.retried.incrementAndGet();
        } else {
            inFlight.decrementAndGet();
            stats.notStored.addAndGet(batch.lines); // stopping: RELP senders send these again
            batch.acks.forEach(Ack::failed);
        }
        relief.run();
    }
}
