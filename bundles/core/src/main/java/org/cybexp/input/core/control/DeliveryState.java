package org.cybexp.input.core.control;

/** What the delivery of one input's outbox is doing, as shown in status. */
public enum DeliveryState {
    /** Nothing to deliver (or not started yet). */
    IDLE,
    /** Posting events now. */
    DELIVERING,
    /** The last attempt failed (network, timeout, 5xx, 429): waiting out the backoff, see the retry time. */
    RETRYING,
    /** The API refused the token (401/403): paused, events kept; probed now and then. */
    TOKEN_REJECTED,
    /**
     * The API said the url is no {@code /raw} endpoint (404, 405): paused like {@link #TOKEN_REJECTED}, events
     * kept; probed now and then and tried at once when {@code cybexp.api} changes.
     */
    WRONG_ENDPOINT
}
