package org.cybexp.input.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 *
 * <p>A body is held in memory ({@link #of}) or, for large ones, in a file ({@link #ofFile}, since 1.4): the
 * container then never loads it into memory; it moves the file into its outbox and posts it as a stream.
 */
public final class Event {

    private static final byte[] NONE = new byte[0];

    private final byte[] body;
    /** The file holding the body instead of {@link #body}; null for an in-memory body. */
    private final Path file;
    private final long length;
    private final String mediaType;
    private final List<String> dedupKeys;
    private final Metadata metadata;

    /** The per-event overrides of the input's fields; null where the input's own is posted. */
    private record Metadata(String name, String orgid, String typetag, ZoneId timezone) {
        static final Metadata NONE = new Metadata(null, null, null, null);
    }

    private Event(byte[] body, Path file, long length, String mediaType, List<String> dedupKeys,
            Metadata metadata) {
        this.body = body;
        this.file = file;
        this.length = length;
        this.mediaType = mediaType;
        this.dedupKeys = dedupKeys;
        this.metadata = metadata;
    }

    /** An event without dedup keys: posted every time it is emitted. */
    public static Event of(byte[] body, String mediaType) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(mediaType, "mediaType");
        return new Event(body.clone(), null, body.length, mediaType, List.of(), Metadata.NONE);
    }

    /**
     * An event whose body is a file the plugin wrote and forced to disk (e.g. with
     * {@code FileChannel.force(true)}), for bodies too large for memory: an upload of a gigabyte.
     *
     * <p>The file passes to the container when the event is stored: the outbox moves it into its own folder (an
     * atomic rename on the same file system; elsewhere a copy, forced to disk, and the original deleted), so
     * once {@code emitDurably} completes {@link EmitResult#STORED} the path no longer exists. If the event is
     * not stored (a duplicate, refused, a failure) the file is still the plugin's, and the plugin deletes it;
     * {@code Files.deleteIfExists} after the emit completes is always right. Emit such an event with
     * {@link FetchContext#emitDurably}; with {@link FetchContext#emit} the file must stay until the fetch ends.
     * The file must not change after this call; its size is read now.
     *
     * @param file a regular file, best on the same file system as the container's {@code data} folder
     * @throws IOException if its size cannot be read
     * @since 1.4
     */
    public static Event ofFile(Path file, String mediaType) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(mediaType, "mediaType");
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is not a regular file");
        }
        return new Event(NONE, file.toAbsolutePath(), Files.size(file), mediaType, List.of(), Metadata.NONE);
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
        return new Event(body, file, length, mediaType, List.copyOf(keys), metadata);
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
        return new Event(body, file, length, mediaType, dedupKeys, changed);
    }

    private static String nonBlank(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return value.strip();
    }

    /**
     * The bytes to post; a copy.
     *
     * @throws IllegalStateException for an event made with {@link #ofFile}: its body is never loaded into
     *         memory; read it with {@link #openBody()}
     */
    public byte[] body() {
        if (file != null) {
            throw new IllegalStateException("the body of this event is the file " + file.getFileName()
                    + ": read it with openBody(), it is not loaded into memory");
        }
        return body.clone();
    }

    /**
     * The number of bytes of the body, without reading it; {@link Integer#MAX_VALUE} for a file body larger
     * than that (see {@link #length()}).
     */
    public int size() {
        return (int) Math.min(length, Integer.MAX_VALUE);
    }

    /**
     * The number of bytes of the body, without reading it.
     *
     * @since 1.4
     */
    public long length() {
        return length;
    }

    /**
     * The file that holds the body, for an event made with {@link #ofFile}; empty for an in-memory body.
     *
     * @since 1.4
     */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * The body as a stream, from memory or from its file, never loaded whole; the caller closes it.
     *
     * @throws IOException if the body's file cannot be opened
     * @since 1.4
     */
    public InputStream openBody() throws IOException {
        return file == null ? new ByteArrayInputStream(body) : Files.newInputStream(file);
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
        return o instanceof Event e && Arrays.equals(body, e.body) && Objects.equals(file, e.file)
                && length == e.length && mediaType.equals(e.mediaType)
                && dedupKeys.equals(e.dedupKeys) && metadata.equals(e.metadata);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(body) * 31 + Objects.hashCode(file)) * 31 + mediaType.hashCode();
    }

    @Override
    public String toString() {
        return "Event[" + mediaType + ", " + length + " bytes" + (file == null ? "" : " in " + file.getFileName())
                + ", " + dedupKeys.size() + " keys"
                + (metadata.equals(Metadata.NONE) ? "" : ", " + metadata) + "]";
    }
}
