package org.cybexp.input.delivery;

import java.time.Instant;

import org.cybexp.input.core.control.DeliveryStats;

/** The delivery counters of one input since start, updated by its delivery loop, read by status. */
final class InputStats {

    private long delivered;
    private long deadLettered;
    private String lastError;
    private Instant lastErrorAt;
    private Instant lastDelivery;
    private boolean tokenRejected;

    synchronized void delivered(Instant at) {
        delivered++;
        lastDelivery = at;
        tokenRejected = false;
    }

    synchronized void deadLettered(String error, Instant at) {
        deadLettered++;
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

    synchronized DeliveryStats snapshot(long outboxDepth) {
        return new DeliveryStats(delivered, deadLettered, outboxDepth, lastError, lastErrorAt, lastDelivery,
                tokenRejected);
    }
}
