package org.cybexp.input.source.misp;

/** One element of a MISP document's event list: an event, or an element that cannot be posted. */
public sealed interface MispElement permits MispEvent, MispElement.Malformed, MispElement.TooLarge {

    /**
     * An element skipped because it is not a usable event (no Event object, no uuid, no timestamp).
     *
     * @param reason what is wrong, without the element's content
     * @param sample the element's first bytes, for the log
     */
    record Malformed(String reason, byte[] sample) implements MispElement {
    }

    /**
     * An event larger than {@code max_event_bytes}: passed over without being built, so that the elements after
     * it are read.
     *
     * @param reason its uuid (when it has a valid one), its size and the limit
     * @param timestamp its {@code timestamp}, or -1 if it has no valid one: a cursor may move past it
     * @param sample its first bytes, for the log
     */
    record TooLarge(String reason, long timestamp, byte[] sample) implements MispElement {
    }
}
