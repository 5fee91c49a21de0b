package org.cybexp.input.core.control;

import java.time.Instant;

/**
 * Delivery counters and state of one input, safe to show.
 *
 * @param delivered events the sink accepted since start
 * @param deadLettered events refused for good since start
 * @param deadLetters dead letters of this input held now (on disk, from this run or earlier ones)
 * @param outboxDepth events waiting for delivery
 * @param lastError the last delivery error (e.g. {@code 400 Invalid input: typtag}), or null
 * @param lastErrorAt when, or null
 * @param lastDelivery when the sink last accepted an event, or null
 * @param state what the delivery does now
 * @param retryAt when the next attempt starts while {@link DeliveryState#RETRYING} or
 *        {@link DeliveryState#TOKEN_REJECTED} or {@link DeliveryState#WRONG_ENDPOINT}, else null
 * @param consecutiveFailures failed attempts since the last success (drives the backoff)
 */
public record DeliveryStats(long delivered, long deadLettered, long deadLetters, long outboxDepth,
        String lastError, Instant lastErrorAt, Instant lastDelivery, DeliveryState state, Instant retryAt,
        int consecutiveFailures) {

    public static final DeliveryStats NONE = new DeliveryStats(0, 0, 0, 0, null, null, null, DeliveryState.IDLE,
            null, 0);

    /** The counters of version 1.0, without dead letters held, retry time nor failure count. */
    public DeliveryStats(long delivered, long deadLettered, long outboxDepth, String lastError, Instant lastErrorAt,
            Instant lastDelivery, boolean tokenRejected) {
        this(delivered, deadLettered, 0, outboxDepth, lastError, lastErrorAt, lastDelivery,
                tokenRejected ? DeliveryState.TOKEN_REJECTED : DeliveryState.IDLE, null, 0);
    }

    /** True while the API rejects the token (401/403): delivery is paused. */
    public boolean tokenRejected() {
        return state == DeliveryState.TOKEN_REJECTED;
    }
}
