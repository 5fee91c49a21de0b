package org.cybexp.input.api.json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** An RFC 6901 JSON pointer ({@code /data/items}, {@code /0/id}, {@code ""} for the whole document). */
final class JsonPointer {

    private final String text;
    private final List<String> tokens;

    private JsonPointer(String text, List<String> tokens) {
        this.text = text;
        this.tokens = tokens;
    }

    static JsonPointer parse(String pointer) {
        if (pointer.isEmpty()) {
            return new JsonPointer(pointer, List.of());
        }
        if (!pointer.startsWith("/")) {
            throw new IllegalArgumentException("a JSON pointer starts with '/': " + pointer);
        }
        List<String> tokens = new ArrayList<>();
        for (String token : pointer.substring(1).split("/", -1)) {
            tokens.add(token.replace("~1", "/").replace("~0", "~"));
        }
        return new JsonPointer(pointer, List.copyOf(tokens));
    }

    /**
     * Moves the scanner to the value this pointer names.
     *
     * @return false if the document has no such value (the scanner is then somewhere inside it)
     */
    boolean walk(JsonScanner json) throws IOException {
        for (String token : tokens) {
            int c = json.peek();
            if (c == '{' ? !toMember(json, token) : c == '[' ? !toElement(json, token) : true) {
                return false;
            }
        }
        return true;
    }

    private static boolean toMember(JsonScanner json, String name) throws IOException {
        json.expect('{');
        if (json.peek() == '}') {
            return false;
        }
        while (true) {
            String key = json.readString();
            json.expect(':');
            if (key.equals(name)) {
                return true;
            }
            json.copyValue(null, 0);
            int c = json.peek();
            if (c == '}') {
                return false;
            }
            json.expect(',');
        }
    }

    private static boolean toElement(JsonScanner json, String token) throws IOException {
        int index;
        try {
            index = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            return false;
        }
        json.expect('[');
        if (json.peek() == ']') {
            return false;
        }
        for (int i = 0; i < index; i++) {
            json.copyValue(null, 0);
            if (json.peek() == ']') {
                return false;
            }
            json.expect(',');
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
