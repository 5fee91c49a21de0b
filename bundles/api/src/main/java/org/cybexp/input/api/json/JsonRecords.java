package org.cybexp.input.api.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.SourceException;

/**
 * The most common source of all, in one call: a JSON document whose records are the elements of one array
 * (e.g. {@code {"urls": [{"id": 1, ...}, ...]}}), each posted as its own {@code application/json} event and
 * deduplicated by one of its values:
 * <pre>{@code
 * try (HttpResult answer = ctx.http().send(HttpRequest.get(url).conditional())) {
 *     if (!answer.notModified()) {
 *         JsonRecords.Split split = JsonRecords.at("/urls").keyedBy("/id").emit(answer.body(), ctx);
 *         ctx.progress(split.records() + " records, " + split.malformed() + " malformed");
 *     }
 * }
 * }</pre>
 * Streaming: the document is read once, in constant memory but for the record at hand, so a dump of any size
 * works. Each element's text is posted as it was sent (not re-serialised). An element that is no object with
 * the key, or is longer than {@link #maxRecordChars(int)}, is skipped and counted with
 * {@link FetchContext#malformed}; a document that is not JSON, or has no array at the pointer, throws
 * {@link SourceException} (the container backs off; nothing of this fetch is kept). Immutable.
 *
 * @since 1.0
 */
public final class JsonRecords {

    /** The default bound of one record: larger ones are skipped as malformed. */
    public static final int DEFAULT_MAX_RECORD_CHARS = 1 << 20;
    private static final int SAMPLE_CHARS = 200;

    private final JsonPointer records;
    private final JsonPointer key;
    private final String mediaType;
    private final int maxRecordChars;

    private JsonRecords(JsonPointer records, JsonPointer key, String mediaType, int maxRecordChars) {
        this.records = records;
        this.key = key;
        this.mediaType = mediaType;
        this.maxRecordChars = maxRecordChars;
    }

    /**
     * The records are the elements of the array at this pointer.
     *
     * @param recordsPointer an RFC 6901 pointer, e.g. {@code /urls} or {@code /data/items}; {@code ""} when the
     *        document itself is the array
     * @return a splitter whose records have no dedup key (see {@link #keyedBy(String)})
     * @throws IllegalArgumentException if the pointer does not start with {@code /} (and is not empty)
     */
    public static JsonRecords at(String recordsPointer) {
        return new JsonRecords(JsonPointer.parse(recordsPointer), null, "application/json",
                DEFAULT_MAX_RECORD_CHARS);
    }

    /**
     * Keys each record by its value at this pointer: the event's dedup key, so a record is posted once. A
     * record without that value is skipped as malformed.
     *
     * @param keyPointer a pointer into the record, e.g. {@code /id} or {@code /meta/uuid}
     * @return a copy that keys its records
     */
    public JsonRecords keyedBy(String keyPointer) {
        return new JsonRecords(records, JsonPointer.parse(keyPointer), mediaType, maxRecordChars);
    }

    /**
     * The media type of the events.
     *
     * @param type e.g. {@code application/json} (the default)
     * @return a copy with that type
     */
    public JsonRecords mediaType(String type) {
        return new JsonRecords(records, key, Objects.requireNonNull(type), maxRecordChars);
    }

    /**
     * The bound of one record's text; a longer record is skipped (and counted malformed), never held whole.
     *
     * @param max characters, at least 2
     * @return a copy with that bound
     */
    public JsonRecords maxRecordChars(int max) {
        if (max < 2) {
            throw new IllegalArgumentException("maxRecordChars must be at least 2");
        }
        return new JsonRecords(records, key, mediaType, max);
    }

    /**
     * What one document gave.
     *
     * @param records elements emitted
     * @param malformed elements skipped (and reported with {@link FetchContext#malformed})
     */
    public record Split(int records, int malformed) {
    }

    /**
     * Reads a UTF-8 JSON document and emits one event per record.
     *
     * @param document the document; read up to the end of the array, not closed
     * @param ctx the fetch's context: {@link FetchContext#emit} and {@link FetchContext#malformed} are called on it
     * @return how many records were emitted and skipped
     * @throws SourceException if the document is not JSON or has no array at the pointer
     * @throws IOException if reading fails
     */
    public Split emit(InputStream document, FetchContext ctx) throws IOException, SourceException {
        JsonScanner json = new JsonScanner(new InputStreamReader(document, StandardCharsets.UTF_8));
        try {
            int first = json.peek();
            if (first != '{' && first != '[') {
                // an HTML error page, a truncated answer: name what came, not "no array"
                throw json.syntax("expected an object or an array", first);
            }
            if (!records.walk(json) || json.peek() != '[') {
                throw new SourceException("the JSON document has no array at " + describe(records));
            }
            return split(json, ctx);
        } catch (JsonScanner.JsonSyntaxException e) {
            throw new SourceException("the document is not JSON: " + e.getMessage());
        }
    }

    private Split split(JsonScanner json, FetchContext ctx) throws IOException {
        int emitted = 0;
        int malformed = 0;
        json.expect('[');
        if (json.peek() == ']') {
            return new Split(0, 0);
        }
        while (true) {
            StringBuilder text = new StringBuilder();
            if (!json.copyValue(text, maxRecordChars)) {
                ctx.malformed("a record longer than " + maxRecordChars + " characters", sample(text));
                malformed++;
            } else if (emitOne(text.toString(), ctx)) {
                emitted++;
            } else {
                malformed++;
            }
            int c = json.peek();
            if (c == ']') {
                return new Split(emitted, malformed);
            }
            json.expect(',');
        }
    }

    private boolean emitOne(String text, FetchContext ctx) {
        Event event = Event.ofText(text, mediaType);
        if (key != null) {
            Optional<String> id = text.startsWith("{") ? valueOf(text, key) : Optional.empty();
            if (id.isEmpty() || id.get().isEmpty()) {
                ctx.malformed("a record without " + key, sample(new StringBuilder(text)));
                return false;
            }
            event = event.withDedupKey(id.get());
        }
        ctx.emit(event);
        return true;
    }

    /**
     * The value at a pointer in a JSON text: a string decoded, a number or {@code true}/{@code false} as written,
     * an object or array as its JSON text; empty for {@code null} or no value there. For keys, and for tests
     * that check emitted records (the test kit's {@code InMemoryInputStore.jsonValues}).
     *
     * @param json a JSON text, e.g. an event's
     * @param pointer an RFC 6901 pointer, e.g. {@code /id}
     * @return the value
     * @throws IllegalArgumentException if the text is not JSON or the pointer is not a pointer
     */
    public static Optional<String> value(String json, String pointer) {
        return valueOf(json, JsonPointer.parse(pointer));
    }

    private static Optional<String> valueOf(String text, JsonPointer pointer) {
        try (Reader reader = new StringReader(text)) {
            JsonScanner json = new JsonScanner(reader);
            if (!pointer.walk(json)) {
                return Optional.empty();
            }
            int c = json.peek();
            if (c == '"') {
                return Optional.of(json.readString());
            }
            StringBuilder raw = new StringBuilder();
            json.copyValue(raw, Integer.MAX_VALUE);
            return raw.toString().equals("null") ? Optional.empty() : Optional.of(raw.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    private static String describe(JsonPointer pointer) {
        return pointer.toString().isEmpty() ? "its top (\"\")" : pointer.toString();
    }

    private static byte[] sample(StringBuilder text) {
        String cut = text.length() <= SAMPLE_CHARS ? text.toString() : text.substring(0, SAMPLE_CHARS);
        return cut.getBytes(StandardCharsets.UTF_8);
    }
}
