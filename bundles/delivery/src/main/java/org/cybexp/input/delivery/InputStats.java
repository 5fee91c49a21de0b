package org.cybexp.input.delivery;

import java.time.Instant;

import org.cybexp.input.core.control.DeliveryState;
import org.cybexp.input.core.control.DeliveryStats;

/** The delivery counters of one input since start, updated by its delivery loop, read by status. */
final class InputStats {

    private long delivered;
    private long deadLettered;
    private String lastError;
    private Instant lastErrorAt;
    private Instant lastDelivery;
    private boolean tokenRejected;
    private int consecutiveFailures;

    synchronized void delivered(Instant at) {
        delivered++;
        lastDelivery = at;
        tokenRejected = false;
        consecutiveFailures = 0;
    }

    synchronized void deadLettered(String error, Instant at) {
        deadLettered++;
        consecutiveFailures = 0;
        error(error, at);
    }

    /** An attempt failed and will be retried after a backoff. */
    synchronized void failed(String error, Instant at) {
        consecutiveFailures++;
        error(error, at);
    }

    /** @param error a short description safe to show (no secret) */
    synchronized void error(String error, Instant at) {
        lastError = error;
        lastErrorAt = at;
    }

    /** @return the previous value */
    synchronized boolean tokenRejected(boolean rejected) {
        boolean previous = tokenRejected;
        tokenRejected = rejected;
        return previous;
    }

    /**
     * @param loopState what the loop does: waiting on a timer is RETRYING unless the token was rejected
     * @param retryAt when the timer ends, or null
     */
    synchronized DeliveryStats snapshot(long outboxDepth, long deadLetters, DeliveryState loopState,
            Instant retryAt) {
        DeliveryState state = tokenRejected ? DeliveryState.TOKEN_REJECTED : loopState;
        return new DeliveryStats(delivered, deadLettered, deadLetters, outboxDepth, lastError, lastErrorAt,
                lastDelivery, state, retryAt, consecutiveFailures);
    }
}
