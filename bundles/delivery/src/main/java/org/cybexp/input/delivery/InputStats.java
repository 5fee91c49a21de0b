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
    /** TOKEN_REJECTED or WRONG_ENDPOINT while delivery of the whole input is paused, else null. */
    private DeliveryState pause;
    private int consecutiveFailures;

    /** @param resume whether this ends a pause: not for a post sent before the pause began */
    synchronized void delivered(Instant at, boolean resume) {
        delivered++;
        lastDelivery = at;
        if (resume) {
            pause = null;
        }
        consecutiveFailures = 0;
    }

    synchronized void deadLettered(String error, Instant at) {
        deadLettered++;
        consecutiveFailures = 0;
        error(error, at);
    }

    /**
     * An attempt failed and will be retried after a backoff.
     *
     * @param counted whether it counts into the backoff's streak: not a post sent before the running wait began
     */
    synchronized void failed(String error, Instant at, boolean counted) {
        if (counted) {
            consecutiveFailures++;
        }
        error(error, at);
    }

    /** @param error a short description safe to show (no secret) */
    synchronized void error(String error, Instant at) {
        lastError = error;
        lastErrorAt = at;
    }

    /**
     * The API's answer is about every event of the input (a refused token, a wrong endpoint): delivery pauses.
     *
     * @return the previous pause, or null
     */
    synchronized DeliveryState pause(DeliveryState why) {
        DeliveryState previous = pause;
        pause = why;
        return previous;
    }

    /** The API judged an event on its own again (a 2xx or a 400): no pause. */
    synchronized void resume() {
        pause = null;
    }

    /**
     * @param loopState what the loop does: waiting on a timer is RETRYING unless delivery is paused
     * @param retryAt when the timer ends, or null
     */
    synchronized DeliveryStats snapshot(long outboxDepth, long deadLetters, DeliveryState loopState,
            Instant retryAt) {
        DeliveryState state = pause != null ? pause : loopState;
        return new DeliveryStats(delivered, deadLettered, deadLetters, outboxDepth, lastError, lastErrorAt,
                lastDelivery, state, retryAt, consecutiveFailures);
    }
}
