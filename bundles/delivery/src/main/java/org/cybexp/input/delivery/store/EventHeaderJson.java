package org.cybexp.input.delivery.store;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;

import org.cybexp.input.delivery.store.EventFile.CorruptEventException;

/**
 * Reads an event's header line (as Jackson writes an {@link EventHeader}) with the streaming parser: it is read
 * at every hand-out of an event, and binding it to the record through the object mapper was a visible share of
 * a fast drain's CPU. Unknown fields are skipped.
 */
final class EventHeaderJson {

    private EventHeaderJson() {
    }

    static EventHeader read(JsonFactory factory, byte[] content, int length) throws CorruptEventException {
        try (JsonParser parser = factory.createParser(content, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new CorruptEventException("unreadable header: no JSON object");
            }
            String name = null;
            String orgid = null;
            String typetag = null;
            String timezone = null;
            String mediaType = null;
            String sha256 = null;
            long bodyLength = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "name" -> name = text(parser, value);
                    case "orgid" -> orgid = text(parser, value);
                    case "typetag" -> typetag = text(parser, value);
                    case "timezone" -> timezone = text(parser, value);
                    case "mediaType" -> mediaType = text(parser, value);
                    case "sha256" -> sha256 = text(parser, value);
                    case "length" -> bodyLength = number(parser, value);
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new CorruptEventException("unreadable header: not a JSON object");
            }
            return new EventHeader(name, orgid, typetag, timezone, mediaType, sha256, bodyLength);
        } catch (CorruptEventException e) {
            throw e;
        } catch (StreamReadException e) {
            throw new CorruptEventException("unreadable header: " + e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            throw new CorruptEventException("unreadable header");
        }
    }

    private static String text(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new CorruptEventException("unreadable header: " + parser.currentName() + " is no text");
        }
        return parser.getText();
    }

    private static long number(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new CorruptEventException("unreadable header: length is no whole number");
        }
        return parser.getLongValue();
    }
}
