package org.cybexp.input.delivery.sink;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The top-level {@code message} of an API answer such as {@code {"message": "Data posted successfully"}}, read
 * with Jackson's streaming parser: every post's answer is read, and building a tree for one field cost a visible
 * share of a post's CPU against a fast API.
 */
final class AnswerMessage {

    private AnswerMessage() {
    }

    /** @return the message, or null if the body is no JSON object with a text {@code message} */
    static String of(JsonFactory factory, byte[] body) {
        try (JsonParser parser = factory.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String message = null;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("message".equals(field)) {
                    message = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            return token == JsonToken.END_OBJECT ? message : null; // what follows the object is not read
        } catch (IOException | RuntimeException e) {
            return null; // not JSON
        }
    }
}
