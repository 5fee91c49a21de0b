package org.cybexp.input.core.control;

import java.time.Instant;

/**
 * Delivery counters of one input, safe to show.
 *
 * @param delivered events the sink accepted
 * @param deadLettered events refused for good, kept in the dead-letter folder with the sink's answer
 * @param outboxDepth events waiting for delivery
 * @param lastError the last delivery error (e.g. {@code 400 Invalid input: typtag}), or null
 * @param lastErrorAt when, or null
 * @param lastDelivery when the sink last accepted an event, or null
 * @param tokenRejected true while the API rejects the token (401/403 for every event): delivery is paused
 */
public record DeliveryStats(long delivered, long deadLettered, long outboxDepth, String lastError,
        Instant lastErrorAt, Instant lastDelivery, boolean tokenRejected) {

    public static final DeliveryStats NONE = new DeliveryStats(0, 0, 0, null, null, null, false);
}
