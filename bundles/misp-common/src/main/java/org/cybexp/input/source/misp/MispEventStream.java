package org.cybexp.input.source.misp;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import org.cybexp.input.source.text.Utf8Repair;

/**
 * Streams the events out of a MISP JSON document without holding the document, nor building any event: each
 * element is walked by the parser (which skips what it does not need, unread) while {@link EventRecorder} keeps
 * its bytes, at most {@code max_event_bytes} of them; an event that fits is posted from those bytes, compacted.
 *
 * <p>Understands the shapes MISP and its tools write: a restSearch answer or download {@code {"response": [...]}},
 * a bare list {@code [{"Event": ...}, ...]}, a single event {@code {"Event": {...}}} (exports, feed event files),
 * and a bare event object with {@code info}, {@code uuid}, {@code Attribute}... (PyMISP's {@code to_json()},
 * IntelMQ). Invalid UTF-8 is repaired (see {@link Utf8Repair}). Anything else (an HTML page, an error object,
 * a lone Galaxy, Attribute or Sighting, {@code /attributes/restSearch}'s {@code {"response": {"Attribute": ...}}},
 * a document cut short, content after the end) raises a {@link MispFormatException}. An event over the limit is
 * reported as {@link MispElement.TooLarge} and the stream goes on after it. The end of the document is checked
 * before {@link #next()} reports the end, so a truncated document is never mistaken for a complete one.
 */
public final class MispEventStream implements Closeable {

    /** The document's shape. */
    public enum Shape {
        /** {@code {"response": [{"Event": ...}, ...]}} */
        RESPONSE_LIST,
        /** {@code [{"Event": ...}, ...]} */
        EVENT_LIST,
        /** {@code {"Event": {...}}} or a bare event object */
        SINGLE_EVENT
    }

    /**
     * Posting an event takes a few copies of its bytes (the event, the container's copy, the outbox write), and
     * other inputs share the heap: a sixteenth of it leaves room for all of them.
     */
    private static final int HEAP_SHARE = 16;
    private static final long MIN_DEFAULT = 1L << 20;
    /** A Java array's limit, less the wrapper added around the event. */
    public static final long MAX_EVENT_BYTES_LIMIT = Integer.MAX_VALUE - 64;

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private final Utf8Repair utf8;
    private final EventRecorder recorder;
    private final JsonParser parser;
    private final long maxEventBytes;
    private Shape shape;
    private boolean ended;
    /** The root object was a bare event: it is closed already. */
    private boolean rootClosed;
    /** For a single event: read ahead by {@link #open} to learn the shape, handed out by the first next(). */
    private MispElement single;

    private MispEventStream(Utf8Repair utf8, EventRecorder recorder, JsonParser parser, long maxEventBytes) {
        this.utf8 = utf8;
        this.recorder = recorder;
        this.parser = parser;
        this.maxEventBytes = maxEventBytes;
    }

    /** The default {@code max_event_bytes}: a sixteenth of the heap, at least 1 MiB. */
    public static long defaultMaxEventBytes() {
        return Math.min(MAX_EVENT_BYTES_LIMIT, Math.max(MIN_DEFAULT, Runtime.getRuntime().maxMemory() / HEAP_SHARE));
    }

    /** A document read with the default {@code max_event_bytes}. */
    public static MispEventStream open(InputStream source) throws IOException {
        return open(source, defaultMaxEventBytes());
    }

    /**
     * Reads the start of a document to learn its shape.
     *
     * @param maxEventBytes events larger than this are reported as {@link MispElement.TooLarge}, never built
     * @throws MispFormatException if it is not a MISP event document (the stream is closed then)
     * @throws IOException if reading fails
     */
    public static MispEventStream open(InputStream source, long maxEventBytes) throws IOException {
        if (maxEventBytes < 1 || maxEventBytes > MAX_EVENT_BYTES_LIMIT) {
            throw new IllegalArgumentException("maxEventBytes out of range: " + maxEventBytes);
        }
        Utf8Repair utf8 = Utf8Repair.counting(source);
        PushbackInputStream peekable = new PushbackInputStream(utf8, 8);
        try {
            refuseHtmlOrEmpty(peekable);
            EventRecorder recorder = new EventRecorder(peekable, maxEventBytes);
            MispEventStream stream = new MispEventStream(utf8, recorder, FACTORY.createParser(recorder),
                    maxEventBytes);
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

    /**
     * Looks for {@code response} or {@code Event} among the root's keys, skipping others; without either, the
     * root itself may be a bare event, recorded meanwhile.
     */
    private void readRootFields() throws IOException {
        long rootStart = parser.currentTokenLocation().getByteOffset();
        recorder.startAt(rootStart);
        EventScan root = EventScan.at(rootStart);
        String mispMessage = null;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            if ("response".equals(field) || "Event".equals(field)) {
                readWrapped(field, parser.nextToken());
                return;
            }
            if ("message".equals(field)) {
                if (parser.nextToken() == JsonToken.VALUE_STRING) {
                    mispMessage = excerpt(parser.getText());
                }
                parser.skipChildren();
                continue;
            }
            root.field(parser);
        }
        if (token == null) {
            throw new MispFormatException("the document is cut short (unexpected end of input)");
        }
        root.end(parser);
        EventRecorder.Recording recording = recorder.stopAt(root.start() + root.size());
        if (root.looksLikeEvent()) {
            shape = Shape.SINGLE_EVENT;
            rootClosed = true;
            single = root.toElement(recording, maxEventBytes, utf8.replacements() > 0);
            return;
        }
        String kind = root.fragmentKind();
        if (kind != null && mispMessage == null) {
            throw new MispFormatException("not a MISP event: " + kind + " (no 'response' list, no 'Event', and no "
                    + "'info' that every event has)");
        }
        throw new MispFormatException("no 'response' list and no 'Event' in the document"
                + (mispMessage == null ? "" : "; it says: " + mispMessage));
    }

    /** The root's {@code response} list or {@code Event} object. */
    private void readWrapped(String field, JsonToken value) throws IOException {
        if ("response".equals(field)) {
            recorder.stopAt(parser.currentTokenLocation().getByteOffset());
            if (value != JsonToken.START_ARRAY) {
                throw new MispFormatException("'response' is " + describe(value)
                        + ", not a list of events (an /attributes/restSearch answer?)");
            }
            shape = Shape.RESPONSE_LIST;
            return;
        }
        if (value != JsonToken.START_OBJECT) {
            throw new MispFormatException("'Event' is " + describe(value) + ", not an object");
        }
        shape = Shape.SINGLE_EVENT;
        EventScan event = EventScan.walk(parser); // still recording since the root's start
        single = event.toElement(recorder.stopAt(event.start() + event.size()), maxEventBytes, utf8.replacements() > 0);
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
                MispElement event = single;
                single = null;
                finishDocument();
                return event;
            }
            JsonToken token = nextElement();
            if (token == null) {
                return null;
            }
            return readListElement(token);
        } catch (JsonProcessingException e) {
            throw format(e);
        }
    }

    /** One element of the list, the parser on its first token: {@code {"Event": {...}}} expected. */
    private MispElement readListElement(JsonToken token) throws IOException {
        long start = parser.currentTokenLocation().getByteOffset();
        recorder.startAt(start);
        if (token != JsonToken.START_OBJECT) {
            parser.skipChildren();
            EventRecorder.Recording value = recorder.stopAt(parser.currentLocation().getByteOffset());
            return new MispElement.Malformed("an element of the event list is " + describe(token)
                    + ", not an object", value.head());
        }
        EventScan event = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            boolean isEvent = "Event".equals(parser.currentName());
            JsonToken value = parser.nextToken();
            if (isEvent && value == JsonToken.START_OBJECT && event == null) {
                event = EventScan.walk(parser);
            } else {
                parser.skipChildren();
            }
        }
        EventRecorder.Recording element = recorder.stopAt(parser.currentLocation().getByteOffset());
        if (event == null) {
            return new MispElement.Malformed("an element of the event list has no 'Event' object", element.head());
        }
        return event.toElement(element, maxEventBytes, utf8.replacements() > 0);
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
        return utf8.replacements();
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
        if (shape != Shape.EVENT_LIST && !rootClosed) {
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
