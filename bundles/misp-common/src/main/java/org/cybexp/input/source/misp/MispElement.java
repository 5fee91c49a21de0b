package org.cybexp.input.source.misp;

/** One element of a MISP document's event list: an event, or an element that is not a usable event. */
public sealed interface MispElement permits MispEvent, MispElement.Malformed {

    /**
     * An element skipped because it is not a usable event (no Event object, no uuid, no timestamp).
     *
     * @param reason what is wrong, without the element's content
     * @param sample the element's first bytes, for the log
     */
    record Malformed(String reason, byte[] sample) implements MispElement {
    }
}
