package org.cybexp.input.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * One record for CYBEX-P: the bytes posted as the {@code file} part of {@code /raw}, their media type, and the
 * dedup keys that identify it. Immutable.
 */
public final class Event {

    private final byte[] body;
    private final String mediaType;
    private final List<String> dedupKeys;

    private Event(byte[] body, String mediaType, List<String> dedupKeys) {
        this.body = body;
        this.mediaType = mediaType;
        this.dedupKeys = dedupKeys;
    }

    /** An event without dedup keys: posted every time it is emitted. */
    public static Event of(byte[] body, String mediaType) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(mediaType, "mediaType");
        return new Event(body.clone(), mediaType, List.of());
    }

    /** A UTF-8 text event. */
    public static Event ofText(String text, String mediaType) {
        return of(text.getBytes(StandardCharsets.UTF_8), mediaType);
    }

    /**
     * The same event identified by one stable key (e.g. a record id plus its version): dropped if this input
     * emitted that key before.
     */
    public Event withDedupKey(String key) {
        return withDedupKeys(List.of(key));
    }

    /**
     * The same event identified by several keys (e.g. the URLs of a file of URLs): dropped if all of them were
     * emitted before; when stored, all of them count as seen.
     */
    public Event withDedupKeys(Collection<String> keys) {
        for (String key : keys) {
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("dedup keys must be non-empty");
            }
        }
        return new Event(body, mediaType, List.copyOf(keys));
    }

    /** The bytes to post; a copy. */
    public byte[] body() {
        return body.clone();
    }

    /** The number of bytes of the body. */
    public int size() {
        return body.length;
    }

    /** E.g. {@code text/plain} or {@code application/json}. */
    public String mediaType() {
        return mediaType;
    }

    /** The dedup keys; empty when the event is always posted. */
    public List<String> dedupKeys() {
        return dedupKeys;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e && Arrays.equals(body, e.body) && mediaType.equals(e.mediaType)
                && dedupKeys.equals(e.dedupKeys);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(body) * 31 + mediaType.hashCode();
    }

    @Override
    public String toString() {
        return "Event[" + mediaType + ", " + body.length + " bytes, " + dedupKeys.size() + " keys]";
    }
}
