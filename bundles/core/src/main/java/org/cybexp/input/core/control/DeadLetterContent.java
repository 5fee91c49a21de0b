package org.cybexp.input.core.control;

/**
 * A dead letter with the start of its event, for a person to see why it was refused.
 *
 * @param letter the entry as listed
 * @param orgid the orgid it was posted with
 * @param timezone the timezone it was posted with
 * @param mediaType the body's media type
 * @param bodyStart the first bytes of the body (at most the number asked for)
 * @param file where the event is kept, for a closer look
 */
public record DeadLetterContent(DeadLetter letter, String orgid, String timezone, String mediaType,
        byte[] bodyStart, String file) {

    /** Whether {@link #bodyStart()} is only part of the body. */
    public boolean truncated() {
        return bodyStart.length < letter.size();
    }
}
