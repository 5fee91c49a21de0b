package org.cybexp.input.api;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One record for CYBEX-P: the bytes posted as the {@code file} part of {@code /raw}, their media type, and the
 * dedup keys that identify it. Immutable.
 *
 * <p>An event is posted with its input's {@code name}, {@code orgid}, {@code typetag} and {@code timezone}
 * unless it carries its own (since 1.2): an upload names the org and typetag of the file it received. The
 * container checks an event's own orgid and typetag against what its input allows ({@code allowed_orgids},
 * {@code allowed_typetags}) when it is emitted.
 */
public final class Event {

    private final byte[] body;
    private final String mediaType;
    private final List<String> dedupKeys;
    private final Metadata metadata;

    /** The per-event overrides of the input's fields; null where the input's own is posted. */
    private record Metadata(String name, String orgid, String typetag, ZoneId timezone) {
        static final Metadata NONE = new Metadata(null, null, null, null);
    }

    private Event(byte[] body, String mediaType, List<String> dedupKeys, Metadata metadata) {
        this.body = body;
        this.mediaType = mediaType;
        this.dedupKeys = dedupKeys;
        this.metadata = metadata;
    }

    /** An event without dedup keys: posted every time it is emitted. */
    public static Event of(byte[] body, String mediaType) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(mediaType, "mediaType");
        return new Event(body.clone(), mediaType, List.of(), Metadata.NONE);
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
        return new Event(body, mediaType, List.copyOf(keys), metadata);
    }

    /**
     * The same event posted for another organisation than its input's; the input must allow it
     * ({@code allowed_orgids}).
     *
     * @since 1.2
     */
    public Event withOrgid(String orgid) {
        return with(new Metadata(metadata.name, nonBlank(orgid, "orgid"), metadata.typetag, metadata.timezone));
    }

    /**
     * The same event posted with another typetag than its input's; the input must allow it
     * ({@code allowed_typetags}).
     *
     * @since 1.2
     */
    public Event withTypetag(String typetag) {
        return with(new Metadata(metadata.name, metadata.orgid, nonBlank(typetag, "typetag"), metadata.timezone));
    }

    /**
     * The same event posted with another time zone than its input's (the zone of its timestamps).
     *
     * @since 1.2
     */
    public Event withTimezone(ZoneId timezone) {
        Objects.requireNonNull(timezone, "timezone");
        return with(new Metadata(metadata.name, metadata.orgid, metadata.typetag, timezone));
    }

    /**
     * The same event posted with another {@code name} than its input's, e.g. the uploaded file's name.
     *
     * @since 1.2
     */
    public Event withName(String name) {
        return with(new Metadata(nonBlank(name, "name"), metadata.orgid, metadata.typetag, metadata.timezone));
    }

    private Event with(Metadata changed) {
        return new Event(body, mediaType, dedupKeys, changed);
    }

    private static String nonBlank(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return value.strip();
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

    /**
     * The event's own orgid; empty when its input's is posted.
     *
     * @since 1.2
     */
    public Optional<String> orgid() {
        return Optional.ofNullable(metadata.orgid);
    }

    /**
     * The event's own typetag; empty when its input's is posted.
     *
     * @since 1.2
     */
    public Optional<String> typetag() {
        return Optional.ofNullable(metadata.typetag);
    }

    /**
     * The event's own time zone; empty when its input's is posted.
     *
     * @since 1.2
     */
    public Optional<ZoneId> timezone() {
        return Optional.ofNullable(metadata.timezone);
    }

    /**
     * The event's own name; empty when its input's is posted.
     *
     * @since 1.2
     */
    public Optional<String> name() {
        return Optional.ofNullable(metadata.name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e && Arrays.equals(body, e.body) && mediaType.equals(e.mediaType)
                && dedupKeys.equals(e.dedupKeys) && metadata.equals(e.metadata);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(body) * 31 + mediaType.hashCode();
    }

    @Override
    public String toString() {
        return "Event[" + mediaType + ", " + body.length + " bytes, " + dedupKeys.size() + " keys"
                + (metadata.equals(Metadata.NONE) ? "" : ", " + metadata) + "]";
    }
}
