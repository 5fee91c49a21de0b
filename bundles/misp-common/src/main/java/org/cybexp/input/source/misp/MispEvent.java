package org.cybexp.input.source.misp;

import java.util.Locale;

import org.cybexp.input.api.Event;

/**
 * One MISP event as read from a document: its identity and the bytes posted to CYBEX-P, the
 * {@code {"Event": {...}}} JSON that CYBEX-P's {@code misp-api} parser reads.
 *
 * @param uuid the event's uuid, lower case
 * @param timestamp the event's {@code timestamp}: unix seconds of its last change
 * @param json {@code {"Event": {...}}}, UTF-8
 * @param repaired whether invalid UTF-8 in the source was replaced with U+FFFD in this event
 */
public record MispEvent(String uuid, long timestamp, byte[] json, boolean repaired) implements MispElement {

    public static final String MEDIA_TYPE = "application/json";

    /** A version of an event: a changed event (new timestamp) is posted again, an unchanged one never. */
    public static String dedupKey(String uuid, long timestamp) {
        return "misp:" + uuid.toLowerCase(Locale.ROOT) + ":" + timestamp;
    }

    public String dedupKey() {
        return dedupKey(uuid, timestamp);
    }

    /** The event to emit, deduplicated on (uuid, timestamp). */
    public Event toEvent() {
        return Event.of(json, MEDIA_TYPE).withDedupKey(dedupKey());
    }

    @Override
    public String toString() {
        return "MispEvent[" + uuid + "@" + timestamp + ", " + json.length + " bytes]";
    }
}
