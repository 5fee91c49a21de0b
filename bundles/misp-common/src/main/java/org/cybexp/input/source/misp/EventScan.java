package org.cybexp.input.source.misp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * What one walk over an event object learnt without building it: where it lies in the document, its uuid,
 * timestamp and {@code info}, its top-level keys, and where a lower-case {@code orgc} key is. Only these few
 * small values are decoded; everything else (attribute data in base64, say) is skipped by the parser.
 */
final class EventScan {

    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");
    private static final byte[] PREFIX = "{\"Event\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUFFIX = {'}'};
    private static final byte[] ORGC = "\"orgc\"".getBytes(StandardCharsets.US_ASCII);
    /** Longer values of uuid or timestamp are invalid anyway: not decoded. */
    private static final int MAX_SCALAR_BYTES = 64;

    private final long start;
    private long end;
    private String uuid = "";
    private long timestamp = -1;
    private boolean info;
    private long orgcAt = -1;
    private boolean upperOrgc;
    private final Set<String> keys = new HashSet<>();

    private EventScan(long start) {
        this.start = start;
    }

    /** Walks the object whose START_OBJECT the parser just returned, to its END_OBJECT. */
    static EventScan walk(JsonParser parser) throws IOException {
        EventScan scan = new EventScan(parser.currentTokenLocation().getByteOffset());
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            scan.field(parser);
        }
        scan.end(parser);
        return scan;
    }

    /** Starts the scan of an object whose keys the caller walks (the root, which may or may not be an event). */
    static EventScan at(long start) {
        return new EventScan(start);
    }

    /** Reads one key (the parser is on its FIELD_NAME) and passes over its value. */
    void field(JsonParser parser) throws IOException {
        String name = parser.currentName();
        long nameAt = parser.currentTokenLocation().getByteOffset();
        JsonToken value = parser.nextToken();
        keys.add(name);
        switch (name) {
            case "uuid" -> uuid = value == JsonToken.VALUE_STRING && isShort(parser) ? parser.getText() : "";
            case "timestamp" -> timestamp = timestamp(parser, value);
            case "info" -> info = value == JsonToken.VALUE_STRING;
            case "orgc" -> orgcAt = nameAt;
            case "Orgc" -> upperOrgc = true;
            default -> { }
        }
        parser.skipChildren(); // a no-op for scalars: an unread string is skipped, never decoded
    }

    /** After the object's END_OBJECT. */
    void end(JsonParser parser) {
        end = parser.currentLocation().getByteOffset();
    }

    long size() {
        return end - start;
    }

    long start() {
        return start;
    }

    String uuid() {
        return uuid;
    }

    /** Whether the object is a bare event: MISP requires {@code info} of every event, no other object has it. */
    boolean looksLikeEvent() {
        return info;
    }

    /** What a root object that is no event looks like, for the error; null when it resembles nothing MISP writes. */
    String fragmentKind() {
        if (keys.contains("GalaxyCluster") || keys.containsAll(Set.of("namespace", "name", "type"))) {
            return "a lone Galaxy";
        }
        if (keys.contains("category") && keys.contains("type") && keys.contains("value")) {
            return "a lone Attribute";
        }
        if (keys.contains("date_sighting") || keys.contains("attribute_id")
                || keys.containsAll(Set.of("type", "value", "timestamp")) && !keys.contains("category")) {
            return "a lone Sighting";
        }
        if (keys.contains("Object") || keys.contains("Attribute")) {
            return "Objects or Attributes without their event";
        }
        return null;
    }

    /**
     * The event to post from the recorded bytes, or why it cannot be posted.
     *
     * @param element the recording of the whole element (the event, its wrapper, or the root object)
     * @param maxBytes max_event_bytes
     * @param repairsSeen whether invalid UTF-8 was replaced anywhere so far
     */
    MispElement toElement(EventRecorder.Recording element, long maxBytes, boolean repairsSeen) {
        if (!element.complete() || size() > maxBytes) {
            String which = UUID.matcher(uuid).matches() ? "event " + uuid.toLowerCase(Locale.ROOT) : "an event";
            return new MispElement.TooLarge(which + " is " + size() + " bytes, over max_event_bytes (" + maxBytes
                    + ")", timestamp, element.head());
        }
        if (!UUID.matcher(uuid).matches()) {
            return new MispElement.Malformed("an event has no valid uuid", element.head());
        }
        if (timestamp < 0) {
            return new MispElement.Malformed("event " + uuid + " has no valid timestamp", element.head());
        }
        byte[] json = element.compact(start, end, PREFIX, SUFFIX, orgcAt < 0 || upperOrgc ? -1 : orgcLetter(element));
        boolean repaired = repairsSeen && containsReplacement(json);
        return new MispEvent(uuid.toLowerCase(Locale.ROOT), timestamp, json, repaired);
    }

    /** The offset of the {@code o} of the key {@code "orgc"}, which the parser reports at or near its quote. */
    private long orgcLetter(EventRecorder.Recording element) {
        for (long at = Math.max(start, orgcAt - 2); at <= orgcAt + 2; at++) {
            boolean match = true;
            for (int k = 0; k < ORGC.length && match; k++) {
                match = at + k < end && element.at(at + k) == ORGC[k];
            }
            if (match) {
                return at + 1;
            }
        }
        return -1; // written with escapes: left as it is
    }

    /** Decodes the string (a uuid or timestamp: bounded by Jackson's string length limit) to measure it. */
    private static boolean isShort(JsonParser parser) throws IOException {
        return parser.getTextLength() <= MAX_SCALAR_BYTES;
    }

    /** MISP writes timestamps as strings of digits; some tools as numbers. -1 when absent or invalid. */
    private static long timestamp(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = parser.getNumberType();
            boolean fits = type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
            return fits && parser.getLongValue() >= 0 ? parser.getLongValue() : -1;
        }
        if (value != JsonToken.VALUE_STRING || !isShort(parser)) {
            return -1;
        }
        String text = parser.getText().trim();
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(text);
    }

    /** U+FFFD in UTF-8: EF BF BD. */
    private static boolean containsReplacement(byte[] json) {
        for (int i = 0; i + 2 < json.length; i++) {
            if (json[i] == (byte) 0xEF && json[i + 1] == (byte) 0xBF && json[i + 2] == (byte) 0xBD) {
                return true;
            }
        }
        return false;
    }
}
