package org.cybexp.input.source.misplookup;

import java.time.Duration;
import java.time.Instant;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.StopRequestedException;

/**
 * Spaces the requests of one input to MISP evenly ({@code max_requests_per_second}), whichever of its lookup
 * threads sends them. Waiting is {@link FetchContext#awaitStop}: a stop ends it at once. MISP's own 429 with
 * {@code Retry-After} fails the fetch instead, and the container waits as MISP said.
 */
final class RequestPacer {

    private final Duration interval;
    private Instant next = Instant.MIN;

    /** @param perSecond requests per second; 0 for no spacing */
    RequestPacer(int perSecond) {
        this.interval = perSecond <= 0 ? Duration.ZERO : Duration.ofNanos(1_000_000_000L / perSecond);
    }

    void awaitTurn(FetchContext ctx) throws InterruptedException {
        if (interval.isZero()) {
            return;
        }
        Instant now = ctx.clock().instant();
        Instant slot;
        synchronized (this) {
            slot = next.isAfter(now) ? next : now;
            next = slot.plus(interval);
        }
        Duration wait = Duration.between(now, slot);
        if (!wait.isZero() && !wait.isNegative() && ctx.awaitStop(wait)) {
            throw new StopRequestedException();
        }
    }
}
