package org.cybexp.input.source.websocket;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;

/**
 * Checks the text of one frame and cuts it into the JSON objects it carries: a frame is one object (what Cowrie
 * relays and Logstash's websocket output send), or an array of objects (relays that batch), whose elements are
 * then taken one by one. The objects are returned as the exact text the sender wrote, never re-serialised.
 * Anything else (not JSON, truncated, trailing data, a scalar, an empty object, an array holding other values)
 * is a problem. Pure and thread-safe.
 *
 * @param objects the JSON objects of the frame, in order; empty when there is a problem
 * @param problem why the frame is skipped, if it is
 */
record JsonFrame(List<String> objects, Optional<String> problem) {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    static JsonFrame parse(String text) {
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            List<String> objects = new ArrayList<>();
            if (first == JsonToken.START_OBJECT) {
                String object = object(parser, text);
                if (object == null) {
                    return problem("empty JSON object");
                }
                objects.add(object);
            } else if (first == JsonToken.START_ARRAY) {
                for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                    if (token != JsonToken.START_OBJECT) {
                        return problem("JSON array holding something other than objects");
                    }
                    String object = object(parser, text);
                    if (object == null) {
                        return problem("JSON array holding an empty object");
                    }
                    objects.add(object);
                }
                if (objects.isEmpty()) {
                    return problem("empty JSON array");
                }
            } else {
                return problem(first == null ? "empty frame" : "JSON value is not an object");
            }
            if (parser.nextToken() != null) {
                return problem("data after the JSON value");
            }
            return new JsonFrame(List.copyOf(objects), Optional.empty());
        } catch (JsonEOFException e) {
            return problem("truncated JSON");
        } catch (StreamConstraintsException e) {
            return problem("JSON beyond the parser's limits (nesting, length)");
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the offending text: only its position is reported, samples are logged apart
            return problem("not valid JSON at char " + (e.getLocation() == null ? 0 : e.getLocation().getCharOffset()));
        } catch (IOException e) {
            return problem("not valid JSON");
        }
    }

    /** The text of the object whose START_OBJECT is the current token; null when it has no field. */
    private static String object(JsonParser parser, String text) throws IOException {
        int start = (int) parser.currentTokenLocation().getCharOffset();
        parser.skipChildren();
        int end = (int) parser.currentLocation().getCharOffset();
        String object = text.substring(start, end);
        return object.substring(1, object.length() - 1).isBlank() ? null : object;
    }

    private static JsonFrame problem(String reason) {
        return new JsonFrame(List.of(), Optional.of(reason));
    }
}
