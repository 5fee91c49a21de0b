package org.cybexp.input.source.phishtank;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import org.cybexp.input.api.SourceException;
import org.cybexp.input.source.text.Utf8Repair;

/**
 * Reads the records of a PhishTank dump (a JSON array of objects) one at a time with Jackson's streaming parser
 * and hands each to a {@link Listener} as its own compact JSON text, so memory holds one record, never the dump.
 *
 * <p>A record is kept as the dump has it (every field, unknown ones included). It is skipped and reported as
 * malformed when it is not an object, has no usable {@code phish_id}, has an unusable
 * {@code verification_time}, held invalid UTF-8, or is larger than {@link #MAX_RECORD_BYTES}. Anything wrong
 * with the array itself (not an array, invalid JSON, cut short) fails the whole read.
 */
final class PhishTankDump {

    /** A record is a few hundred bytes; one this large is not a PhishTank record. */
    static final int MAX_RECORD_BYTES = 1 << 20;
    static final String PHISH_ID = "phish_id";
    static final String VERIFICATION_TIME = "verification_time";
    private static final int SAMPLE_BYTES = 120;
    /** A record is flat; one nested deeper is skipped as malformed, and the dump goes on. */
    static final int MAX_RECORD_DEPTH = 64;
    /**
     * The parser's own bound, far above a record's: it caps the memory of an absurd nesting, which fails the dump
     * (the parser cannot go on past it), while a merely too deep record is skipped by {@link #copy}.
     */
    private static final int MAX_PARSER_DEPTH = 10_000;

    /** One record of the dump. */
    record Entry(String phishId, String verificationTime, byte[] json) {

        /**
         * Identifies this version of the record: PhishTank re-verifies a phish, so the same id with a new
         * verification time is news.
         */
        String dedupKey() {
            return "phishtank:" + phishId + "@" + (verificationTime == null ? "" : verificationTime);
        }
    }

    /** Receives the records as they are read. */
    interface Listener {

        /** A well-formed record. */
        void record(Entry entry);

        /** A skipped element; {@code sample} holds its first bytes. */
        void malformed(String reason, byte[] sample);

        /** Asked before each record: true ends the read at once. */
        default boolean stopNow() {
            return false;
        }
    }

    /**
     * The outcome of a read.
     *
     * @param elements the array elements read, malformed ones included
     * @param records the well-formed records handed to the listener
     * @param malformed the skipped elements
     * @param complete false when the listener stopped the read early
     */
    record Summary(long elements, long records, long malformed, boolean complete) {
    }

    private final JsonFactory json;

    PhishTankDump() {
        this.json = JsonFactory.builder()
                // one string may not hold more than one record may: bounded memory whatever the input
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_RECORD_BYTES)
                        .maxNestingDepth(MAX_PARSER_DEPTH).build())
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
    }

    /**
     * Reads the whole dump unless the listener stops it. Does not close the stream.
     *
     * @throws SourceException if the text is not a JSON array
     * @throws IOException if reading fails or the JSON is invalid or cut short (Jackson's exceptions are
     *         {@code IOException}s: {@link com.fasterxml.jackson.core.JsonProcessingException})
     */
    Summary read(Utf8Repair text, Listener listener) throws IOException, SourceException {
        try (JsonParser parser = json.createParser(text)) {
            parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_ARRAY) {
                throw new SourceException("the dump is not a JSON array (it starts with "
                        + (first == null ? "nothing" : first.asString() == null ? first.name() : first.asString())
                        + ")");
            }
            long elements = 0;
            long records = 0;
            long malformed = 0;
            while (true) {
                if (listener.stopNow()) {
                    return new Summary(elements, records, malformed, false);
                }
                JsonToken token = parser.nextToken();
                if (token == JsonToken.END_ARRAY) {
                    break;
                }
                elements++;
                String problem = readElement(parser, token, text, elements, listener);
                if (problem == null) {
                    records++;
                } else {
                    malformed++;
                }
            }
            if (parser.nextToken() != null) {
                throw new SourceException("the dump has data after its JSON array");
            }
            return new Summary(elements, records, malformed, true);
        }
    }

    /** Reads one array element; returns why it was skipped, or null if it was handed over. */
    private String readElement(JsonParser parser, JsonToken token, Utf8Repair text, long index, Listener listener)
            throws IOException {
        long start = parser.currentTokenLocation().getByteOffset();
        if (token != JsonToken.START_OBJECT) {
            byte[] value = token.isScalarValue() ? parser.getText().getBytes(StandardCharsets.UTF_8) : new byte[0];
            parser.skipChildren();
            return skipped(listener, "element " + index + " is " + describe(token) + ", not an object",
                    Arrays.copyOf(value, Math.min(value.length, SAMPLE_BYTES)));
        }
        RecordCopy copy = copy(parser);
        long end = parser.currentLocation().getByteOffset();
        String where = "record " + index + (copy.phishId == null ? "" : " (phish_id " + copy.phishId + ")");
        if (text.replacedBetween(start, end)) {
            return skipped(listener, where + " holds invalid UTF-8", copy.sample());
        }
        if (copy.sink.overflowed()) {
            return skipped(listener, where + " is larger than " + MAX_RECORD_BYTES + " bytes", copy.sample());
        }
        if (copy.tooDeep) {
            return skipped(listener, where + " is nested deeper than " + MAX_RECORD_DEPTH + " levels",
                    copy.sample());
        }
        if (copy.problem != null) {
            return skipped(listener, where + " " + copy.problem, copy.sample());
        }
        listener.record(new Entry(copy.phishId, copy.verificationTime, copy.sink.toByteArray()));
        return null;
    }

    private static String skipped(Listener listener, String reason, byte[] sample) {
        listener.malformed(reason, sample);
        return reason;
    }

    /** Copies the object the parser is at, token by token, noting the fields that identify it. */
    private RecordCopy copy(JsonParser parser) throws IOException {
        RecordCopy copy = new RecordCopy();
        try (JsonGenerator out = json.createGenerator(copy.sink, JsonEncoding.UTF8)) {
            out.copyCurrentEvent(parser);
            int depth = 1;
            String field = null;
            while (depth > 0) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    throw new IOException("the dump ends inside a record"); // Jackson reports it first
                }
                if (depth == 1 && token == JsonToken.FIELD_NAME) {
                    field = parser.currentName();
                } else if (depth == 1 && token != JsonToken.END_OBJECT) {
                    copy.field(field, token, parser);
                }
                if (token.isStructStart()) {
                    depth++;
                    copy.tooDeep |= depth > MAX_RECORD_DEPTH;
                } else if (token.isStructEnd()) {
                    depth--;
                }
                if (copy.sink.overflowed() || copy.tooDeep) {
                    continue; // read to the record's end, copy no more
                }
                if (token.isNumeric()) {
                    out.writeNumber(parser.getText()); // as written: no rounding, no change of notation
                } else {
                    out.copyCurrentEvent(parser);
                }
            }
        }
        if (copy.problem == null && copy.phishId == null) {
            copy.problem = "has no " + PHISH_ID;
        }
        return copy;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    /** The state of one record being copied. */
    private static final class RecordCopy {
        final BoundedSink sink = new BoundedSink(MAX_RECORD_BYTES);
        String phishId;
        String verificationTime;
        String problem;
        boolean tooDeep;

        /** Notes the value of a top-level field. */
        void field(String name, JsonToken value, JsonParser parser) throws IOException {
            if (PHISH_ID.equals(name)) {
                // PhishTank writes strings; an integer id is the same id
                if (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT) {
                    String id = parser.getText().strip();
                    if (id.isEmpty()) {
                        problem = "has an empty " + PHISH_ID;
                    } else if (phishId != null && !phishId.equals(id)) {
                        problem = "has two different " + PHISH_ID + " fields";
                    } else {
                        phishId = id;
                    }
                } else {
                    problem = "has a " + PHISH_ID + " that is " + describe(value) + ", not a string";
                }
            } else if (VERIFICATION_TIME.equals(name)) {
                // null: not verified yet; a later verification makes it a new version of the record
                if (value == JsonToken.VALUE_STRING) {
                    verificationTime = parser.getText();
                } else if (value != JsonToken.VALUE_NULL) {
                    problem = "has a " + VERIFICATION_TIME + " that is " + describe(value) + ", not a string";
                }
            }
        }

        byte[] sample() {
            byte[] bytes = sink.toByteArray();
            return Arrays.copyOf(bytes, Math.min(bytes.length, SAMPLE_BYTES));
        }
    }
}
