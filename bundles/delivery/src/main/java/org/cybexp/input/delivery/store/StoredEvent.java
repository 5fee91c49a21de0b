package org.cybexp.input.delivery.store;

/**
 * An event waiting in an outbox.
 *
 * @param seq its sequence number: events of one input are delivered in this order
 */
public record StoredEvent(long seq, EventRecord record) {

    /** The sequence number as the 20-digit file name stem used in every folder. */
    public String seqText() {
        return String.format("%020d", seq);
    }

    public EventHeader header() {
        return record.header();
    }

    public byte[] body() {
        return record.body();
    }
}
