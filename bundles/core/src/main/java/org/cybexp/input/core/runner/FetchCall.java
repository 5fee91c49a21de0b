package org.cybexp.input.core.runner;

import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;

import org.cybexp.input.core.fetch.InputFetchContext;

/**
 * One running fetch: its thread, its context once created, and the stop asked of it. Guarded by the
 * fetcher's lock, except {@link #done} and {@link #thread}.
 */
final class FetchCall {

    final Instant start;
    final long fetchedBefore;
    final long duplicatesBefore;
    final CountDownLatch done = new CountDownLatch(1);
    Thread thread;
    InputFetchContext ctx;
    Future<?> timeout;
    boolean stopRequested;
    boolean immediate;
    boolean timedOut;

    FetchCall(Instant start, long fetchedBefore, long duplicatesBefore) {
        this.start = start;
        this.fetchedBefore = fetchedBefore;
        this.duplicatesBefore = duplicatesBefore;
    }

    /** Passes a stop to the context; one asked before the context exists is passed when it is attached. */
    void requestStop(boolean now) {
        stopRequested = true;
        immediate |= now;
        if (ctx != null) {
            ctx.requestStop(immediate, thread);
        } else if (immediate) {
            thread.interrupt();
        }
    }

    void attach(InputFetchContext context) {
        ctx = context;
        if (stopRequested) {
            ctx.requestStop(immediate, thread);
        }
    }
}
