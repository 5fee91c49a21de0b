package org.cybexp.input.api;

/**
 * What became of an event handed to {@link FetchContext#emitDurably(Event)}.
 *
 * @since 1.2
 */
public enum EmitResult {
    /** The event is in the outbox on disk (fsync'd): it will be delivered. Answer the sender now. */
    STORED,
    /** Every dedup key of the event was stored before: nothing new to store. Answer the sender as stored. */
    DUPLICATE,
    /**
     * The outbox is over its cap (back-pressure): the event was not stored. Tell the sender to retry later
     * (HTTP 429/503 with {@code Retry-After}, no RELP {@code rsp}), or count it as dropped (UDP).
     */
    REFUSED_FULL
}
