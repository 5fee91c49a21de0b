package org.cybexp.input.source.misplookup;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.StopRequestedException;

/**
 * Spaces the requests of one input to MISP evenly ({@code max_requests_per_second}), whichever of its lookup
 * threads sends them. Waiting is {@link FetchContext#awaitStop}: a stop ends it at once. MISP's own 429 with
 * {@code Retry-After} fails the fetch instead, and the container waits as MISP said. Intervals are measured on a
 * monotonic clock (injected), not the wall clock, which may jump.
 */
final class RequestPacer {

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long next = Long.MIN_VALUE;

    /** @param perSecond requests per second; 0 for no spacing */
    RequestPacer(int perSecond) {
        this(perSecond, System::nanoTime);
    }

    RequestPacer(int perSecond, LongSupplier nanoTime) {
        this.intervalNanos = perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
        this.nanoTime = nanoTime;
    }

    void awaitTurn(FetchContext ctx) throws InterruptedException {
        long wait = reserve();
        if (wait > 0 && ctx.awaitStop(Duration.ofNanos(wait))) {
            throw new StopRequestedException();
        }
    }

    /** Takes the next free slot; how long until it comes, in nanoseconds. */
    synchronized long reserve() {
        if (intervalNanos == 0) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        long slot = next == Long.MIN_VALUE || next - now < 0 ? now : next;
        next = slot + intervalNanos;
        return slot - now;
    }
}
