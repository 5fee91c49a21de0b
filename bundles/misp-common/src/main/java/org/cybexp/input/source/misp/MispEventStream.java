package org.cybexp.input.source.misp;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Streams the events out of a MISP JSON document without holding the document: one Jackson tree per event.
 *
 * <p>Understands the three shapes MISP writes: a restSearch answer or download {@code {"response": [...]}},
 * a bare list {@code [{"Event": ...}, ...]}, and a single event {@code {"Event": {...}}} (exports, feed event
 * files). Invalid UTF-8 is repaired (see {@link Utf8Repair}). Anything else (an HTML page, an error object,
 * {@code /attributes/restSearch}'s {@code {"response": {"Attribute": ...}}}, a document cut short, content after
 * the end) raises a {@link MispFormatException}. The end of the document is checked before {@link #next()}
 * reports the end, so a truncated document is never mistaken for a complete one.
 */
public final class MispEventStream implements Closeable {

    /** The document's shape. */
    public enum Shape {
        /** {@code {"response": [{"Event": ...}, ...]}} */
        RESPONSE_LIST,
        /** {@code [{"Event": ...}, ...]} */
        EVENT_LIST,
        /** {@code {"Event": {...}}} */
        SINGLE_EVENT
    }

    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");
    private static final int SAMPLE_BYTES = 256;
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final Utf8Repair utf8;
    private final JsonParser parser;
    private Shape shape;
    private boolean ended;
    /** For a single event: read ahead by {@link #open} to learn the shape, handed out by the first next(). */
    private ObjectNode single;

    private MispEventStream(Utf8Repair utf8, JsonParser parser) {
        this.utf8 = utf8;
        this.parser = parser;
    }

    /**
     * Reads the start of a document to learn its shape.
     *
     * @throws MispFormatException if it is not a MISP event document (the stream is closed then)
     * @throws IOException if reading fails
     */
    public static MispEventStream open(InputStream source) throws IOException {
        Utf8Repair utf8 = new Utf8Repair(source);
        PushbackInputStream peekable = new PushbackInputStream(utf8, 8);
        try {
            refuseHtmlOrEmpty(peekable);
            JsonFactory factory = MAPPER.getFactory();
            MispEventStream stream = new MispEventStream(utf8, factory.createParser(peekable));
            stream.readStart();
            return stream;
        } catch (IOException | RuntimeException e) {
            peekable.close();
            throw e;
        }
    }

    /** The first non-blank byte tells an HTML page (error pages, login forms, proxies) from JSON. */
    private static void refuseHtmlOrEmpty(PushbackInputStream in) throws IOException {
        int b;
        do {
            b = in.read();
        } while (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0xEF || b == 0xBB || b == 0xBF);
        if (b < 0) {
            throw new MispFormatException("the document is empty");
        }
        if (b == '<') {
            throw new MispFormatException("an HTML page, not MISP JSON");
        }
        in.unread(b);
    }

    private void readStart() throws IOException {
        try {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_ARRAY) {
                shape = Shape.EVENT_LIST;
            } else if (first == JsonToken.START_OBJECT) {
                readRootFields();
            } else {
                throw new MispFormatException("not a MISP event document: it starts with " + describe(first));
            }
        } catch (JsonProcessingException e) {
            throw format(e);
        }
    }

    /** Looks for {@code response} or {@code Event} among the root's keys, skipping others. */
    private void readRootFields() throws IOException {
        String mispMessage = null;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("response".equals(field)) {
                if (value != JsonToken.START_ARRAY) {
                    throw new MispFormatException("'response' is " + describe(value)
                            + ", not a list of events (an /attributes/restSearch answer?)");
                }
                shape = Shape.RESPONSE_LIST;
                return;
            }
            if ("Event".equals(field)) {
                if (value != JsonToken.START_OBJECT) {
                    throw new MispFormatException("'Event' is " + describe(value) + ", not an object");
                }
                shape = Shape.SINGLE_EVENT;
                single = MAPPER.readTree(parser);
                return;
            }
            if ("message".equals(field) && value == JsonToken.VALUE_STRING) {
                mispMessage = excerpt(parser.getText());
            }
            parser.skipChildren();
        }
        if (token == null) {
            throw new MispFormatException("the document is cut short (unexpected end of input)");
        }
        throw new MispFormatException("no 'response' list and no 'Event' in the document"
                + (mispMessage == null ? "" : "; it says: " + mispMessage));
    }

    public Shape shape() {
        return shape;
    }

    /**
     * The next element, or null at the end of a complete document.
     *
     * @throws MispFormatException if the document turns out malformed (e.g. cut short)
     */
    public MispElement next() throws IOException {
        try {
            if (shape == Shape.SINGLE_EVENT) {
                if (single == null) {
                    return null;
                }
                ObjectNode event = single;
                single = null;
                finishDocument();
                return toElement(event, null);
            }
            JsonToken token = nextElement();
            if (token == null) {
                return null;
            }
            if (token != JsonToken.START_OBJECT) {
                JsonNode value = MAPPER.readTree(parser);
                return new MispElement.Malformed("an element of the event list is " + describe(token)
                        + ", not an object", sample(value));
            }
            ObjectNode element = MAPPER.readTree(parser);
            JsonNode event = element.get("Event");
            if (!(event instanceof ObjectNode eventObject)) {
                return new MispElement.Malformed("an element of the event list has no 'Event' object",
                        sample(element));
            }
            return toElement(eventObject, element);
        } catch (JsonProcessingException e) {
            throw format(e);
        }
    }

    /**
     * Skips one element without building it, to count a document or resume within it.
     *
     * @return false at the end of a complete document
     */
    public boolean skip() throws IOException {
        try {
            if (shape == Shape.SINGLE_EVENT) {
                if (single == null) {
                    return false;
                }
                single = null;
                finishDocument();
                return true;
            }
            JsonToken token = nextElement();
            if (token == null) {
                return false;
            }
            parser.skipChildren();
            return true;
        } catch (JsonProcessingException e) {
            throw format(e);
        }
    }

    /** Counts the remaining elements (events and malformed ones), checking the document to its end. */
    public long count() throws IOException {
        long n = 0;
        while (skip()) {
            n++;
        }
        return n;
    }

    /** How many invalid UTF-8 bytes were replaced so far. */
    public long repairs() {
        return utf8.repairs();
    }

    /** The first token of the next list element, or null after checking the document's end. */
    private JsonToken nextElement() throws IOException {
        if (ended) {
            return null;
        }
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new MispFormatException("the document ends inside the event list (cut short?)");
        }
        if (token == JsonToken.END_ARRAY) {
            finishDocument();
            return null;
        }
        return token;
    }

    /** After the event list or the single event: the rest of the root object, then nothing. */
    private void finishDocument() throws IOException {
        ended = true;
        if (shape != Shape.EVENT_LIST) {
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                parser.nextToken();
                parser.skipChildren();
            }
            if (token != JsonToken.END_OBJECT) {
                throw new MispFormatException("the document ends before its last '}' (cut short?)");
            }
        }
        if (parser.nextToken() != null) {
            throw new MispFormatException("content after the end of the document");
        }
    }

    private MispElement toElement(ObjectNode event, JsonNode element) throws IOException {
        String uuid = event.path("uuid").asText("");
        if (!UUID.matcher(uuid).matches()) {
            return new MispElement.Malformed("an event has no valid uuid", sample(element == null ? event : element));
        }
        long timestamp = timestamp(event.get("timestamp"));
        if (timestamp < 0) {
            return new MispElement.Malformed("event " + uuid + " has no valid timestamp",
                    sample(element == null ? event : element));
        }
        normalizeOrgcCase(event);
        ObjectNode wrapper = MAPPER.createObjectNode();
        wrapper.set("Event", event);
        boolean repaired = utf8.repairs() > 0 && containsReplacement(event);
        return new MispEvent(uuid.toLowerCase(Locale.ROOT), timestamp, MAPPER.writeValueAsBytes(wrapper),
                repaired);
    }

    /** MISP writes timestamps as strings of digits; some tools as numbers. -1 when absent or invalid. */
    private static long timestamp(JsonNode node) {
        if (node == null) {
            return -1;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong() >= 0 ? node.asLong() : -1;
        }
        String text = node.isTextual() ? node.asText().trim() : "";
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(text);
    }

    /** Some exporters write {@code orgc}; MISP's own feed importer renames it to {@code Orgc}, so do we. */
    private static void normalizeOrgcCase(ObjectNode event) {
        if (!event.has("orgc") || event.has("Orgc")) {
            return;
        }
        ObjectNode copy = event.deepCopy();
        event.removeAll();
        for (Map.Entry<String, JsonNode> field : copy.properties()) {
            event.set("orgc".equals(field.getKey()) ? "Orgc" : field.getKey(), field.getValue());
        }
    }

    private static boolean containsReplacement(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\uFFFD') >= 0;
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (field.getKey().indexOf('\uFFFD') >= 0 || containsReplacement(field.getValue())) {
                return true;
            }
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (containsReplacement(item)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[] sample(JsonNode node) {
        try {
            byte[] all = MAPPER.writeValueAsBytes(node);
            return all.length <= SAMPLE_BYTES ? all : Arrays.copyOf(all, SAMPLE_BYTES);
        } catch (JsonProcessingException e) {
            return new byte[0];
        }
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
        };
    }

    private static String excerpt(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= 160 ? line : line.substring(0, 160) + "...";
    }

    /** Jackson's own words, with the position; a cut-short document said plainly. */
    private MispFormatException format(JsonProcessingException e) {
        if (isEndOfInput(e)) {
            return new MispFormatException("the document is cut short (unexpected end of input)", e);
        }
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return new MispFormatException("invalid JSON" + where + ": " + excerpt(firstLine(e.getOriginalMessage())), e);
    }

    /**
     * Whether Jackson met the end of the input inside the document. Besides {@link JsonEOFException}, Jackson
     * reports an early end met while skipping as a plain parse error "Unexpected end-of-input ...".
     */
    public static boolean isEndOfInput(JsonProcessingException e) {
        return e instanceof JsonEOFException
                || String.valueOf(e.getOriginalMessage()).startsWith("Unexpected end-of-input");
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
