package org.cybexp.input.core.control;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of one input, safe to show (no secrets).
 *
 * @param name the input's name
 * @param plugin the plugin's name
 * @param state what it is doing
 * @param detail the plugin's progress line (e.g. {@code connected}), or empty
 * @param fetched events emitted and stored in the outbox
 * @param duplicates events dropped because they were emitted before
 * @param malformed records the plugin skipped as malformed
 * @param delivered events the sink accepted
 * @param deadLettered events the sink refused for good (kept in the dead-letter folder)
 * @param outboxDepth events waiting for delivery
 * @param fetchFailures fetches that failed since start
 * @param consecutiveFailures failures since the last success (drives the backoff)
 * @param lastError the last fetch or delivery error, or null
 * @param lastErrorAt when it happened, or null
 * @param lastSuccess end of the last successful fetch, or null
 * @param nextRun when the next fetch starts, or null
 * @param configError why the latest configuration was refused while the previous one keeps running, or null
 * @param deadLetters dead letters of this input held now (replayed or purged ones no longer count)
 * @param lastDelivery when the sink last accepted one of its events, or null
 * @param deliveryState what the delivery of its outbox does now
 * @param deliveryRetryAt when delivery tries again while retrying or paused, or null
 * @param deliveryError the last delivery error (also in {@code lastError} when it is the newest), or null
 * @param refused events a listener could not store because the outbox was full (its sender was told so)
 * @param details the plugin's structured status ({@code FetchContext.statusDetail}): JSON-compatible values by
 *        key, never null (empty when the plugin published none)
 */
public record InputStatus(String name, String plugin, InputState state, String detail, long fetched,
        long duplicates, long malformed, long delivered, long deadLettered, long outboxDepth, long fetchFailures,
        int consecutiveFailures, String lastError, Instant lastErrorAt, Instant lastSuccess, Instant nextRun,
        String configError, long deadLetters, Instant lastDelivery, DeliveryState deliveryState,
        Instant deliveryRetryAt, String deliveryError, long refused, Map<String, Object> details) {

    public InputStatus {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** The status of version 1.2, without the refused count and the plugin's structured details. */
    public InputStatus(String name, String plugin, InputState state, String detail, long fetched, long duplicates,
            long malformed, long delivered, long deadLettered, long outboxDepth, long fetchFailures,
            int consecutiveFailures, String lastError, Instant lastErrorAt, Instant lastSuccess, Instant nextRun,
            String configError, long deadLetters, Instant lastDelivery, DeliveryState deliveryState,
            Instant deliveryRetryAt, String deliveryError) {
        this(name, plugin, state, detail, fetched, duplicates, malformed, delivered, deadLettered, outboxDepth,
                fetchFailures, consecutiveFailures, lastError, lastErrorAt, lastSuccess, nextRun, configError,
                deadLetters, lastDelivery, deliveryState, deliveryRetryAt, deliveryError, 0, Map.of());
    }

    /** The status of version 1.0, without the delivery's state. */
    public InputStatus(String name, String plugin, InputState state, String detail, long fetched, long duplicates,
            long malformed, long delivered, long deadLettered, long outboxDepth, long fetchFailures,
            int consecutiveFailures, String lastError, Instant lastErrorAt, Instant lastSuccess, Instant nextRun,
            String configError) {
        this(name, plugin, state, detail, fetched, duplicates, malformed, delivered, deadLettered, outboxDepth,
                fetchFailures, consecutiveFailures, lastError, lastErrorAt, lastSuccess, nextRun, configError, 0,
                null, DeliveryState.IDLE, null, null, 0, Map.of());
    }

    /** A status for an input that has no runner (stopped, disabled, invalid, plugin missing). */
    public static InputStatus idle(String name, String plugin, InputState state, String error) {
        return new InputStatus(name, plugin, state, "", 0, 0, 0, 0, 0, 0, 0, 0, error, null, null, null, null);
    }

    /** The same status with another state and configuration error. */
    public InputStatus with(InputState newState, String newConfigError) {
        return new InputStatus(name, plugin, newState, detail, fetched, duplicates, malformed, delivered,
                deadLettered, outboxDepth, fetchFailures, consecutiveFailures, lastError, lastErrorAt, lastSuccess,
                nextRun, newConfigError, deadLetters, lastDelivery, deliveryState, deliveryRetryAt, deliveryError,
                refused, details);
    }

    /** The same status with the delivery's counters and state replaced by a newer snapshot. */
    public InputStatus withDelivery(DeliveryStats delivery) {
        return new InputStatus(name, plugin, state, detail, fetched, duplicates, malformed, delivery.delivered(),
                delivery.deadLettered(), delivery.outboxDepth(), fetchFailures, consecutiveFailures, lastError,
                lastErrorAt, lastSuccess, nextRun, configError, delivery.deadLetters(), delivery.lastDelivery(),
                delivery.state(), delivery.retryAt(), delivery.lastError(), refused, details);
    }

    /** The same status with another progress line. */
    public InputStatus withDetail(String newDetail) {
        return new InputStatus(name, plugin, state, newDetail, fetched, duplicates, malformed, delivered,
                deadLettered, outboxDepth, fetchFailures, consecutiveFailures, lastError, lastErrorAt, lastSuccess,
                nextRun, configError, deadLetters, lastDelivery, deliveryState, deliveryRetryAt, deliveryError,
                refused, details);
    }

    /** The same status with other fetch counters (the manager adds those of an input's ended runners). */
    public InputStatus withFetchCounters(long newFetched, long newDuplicates, long newMalformed,
            long newFetchFailures, long newRefused) {
        return new InputStatus(name, plugin, state, detail, newFetched, newDuplicates, newMalformed, delivered,
                deadLettered, outboxDepth, newFetchFailures, consecutiveFailures, lastError, lastErrorAt,
                lastSuccess, nextRun, configError, deadLetters, lastDelivery, deliveryState, deliveryRetryAt,
                deliveryError, newRefused, details);
    }
}
