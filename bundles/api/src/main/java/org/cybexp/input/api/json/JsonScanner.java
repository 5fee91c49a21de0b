package org.cybexp.input.api.json;

import java.io.IOException;
import java.io.Reader;

/**
 * A pull scanner over JSON text: enough to walk to a pointer, read strings and copy or skip values, one
 * character at a time, so a document of any size is read in constant memory (but for the values copied).
 */
final class JsonScanner {

    private final Reader in;
    private int next = -2; // -2: not read yet
    private long position;

    JsonScanner(Reader in) {
        this.in = in;
    }

    /** The next non-blank character without consuming it; -1 at the end. */
    int peek() throws IOException {
        while (true) {
            int c = current();
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return c;
            }
            consume();
        }
    }

    /** Consumes the next non-blank character, which must be {@code expected}. */
    void expect(char expected) throws IOException {
        int c = peek();
        if (c != expected) {
            throw syntax("expected '" + expected + "'", c);
        }
        consume();
    }

    /** Reads a string (the next value must be one) and decodes its escapes. */
    String readString() throws IOException {
        StringBuilder text = new StringBuilder();
        copyString(null, text);
        return text.toString();
    }

    /**
     * Copies the next value's text to {@code raw} (up to {@code limit} characters; beyond it the value is only
     * skipped and false returned), or skips it when raw is null.
     */
    boolean copyValue(StringBuilder raw, int limit) throws IOException {
        int c = peek();
        Budget budget = new Budget(raw, limit);
        if (c == '"') {
            copyString(budget, null);
        } else if (c == '{' || c == '[') {
            copyContainer(budget);
        } else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
            while (isLiteralPart(current())) {
                budget.add((char) consume());
            }
        } else {
            throw syntax("expected a value", c);
        }
        return !budget.exceeded;
    }

    /** A syntax error at the current position, naming what came instead. */
    IOException syntax(String problem, int found) {
        return new JsonSyntaxException(problem + " at character " + position + ", found "
                + (found < 0 ? "the end" : "'" + (char) found + "'"));
    }

    private void copyContainer(Budget budget) throws IOException {
        int depth = 0;
        do {
            int c = current();
            if (c < 0) {
                throw syntax("unterminated " + (depth > 0 ? "object or array" : "value"), c);
            }
            if (c == '"') {
                copyString(budget, null);
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
            budget.add((char) consume());
        } while (depth > 0);
    }

    /** Copies a string raw (to budget) or decoded (to text). */
    private void copyString(Budget raw, StringBuilder text) throws IOException {
        int c = peek();
        if (c != '"') {
            throw syntax("expected a string", c);
        }
        add(raw, consume());
        while (true) {
            c = consume();
            if (c < 0) {
                throw syntax("unterminated string", c);
            }
            add(raw, c);
            if (c == '"') {
                return;
            }
            if (c != '\\') {
                if (text != null) {
                    text.append((char) c);
                }
                continue;
            }
            int escaped = consume();
            add(raw, escaped);
            char decoded = switch (escaped) {
                case '"', '\\', '/' -> (char) escaped;
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> unicode(raw);
                default -> throw syntax("bad escape", escaped);
            };
            if (text != null) {
                text.append(decoded);
            }
        }
    }

    private char unicode(Budget raw) throws IOException {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int c = consume();
            int digit = Character.digit(c, 16);
            if (digit < 0) {
                throw syntax("bad \\u escape", c);
            }
            add(raw, c);
            value = value * 16 + digit;
        }
        return (char) value;
    }

    private static void add(Budget raw, int c) {
        if (raw != null) {
            raw.add((char) c);
        }
    }

    private static boolean isLiteralPart(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' || c == 'E';
    }

    private int current() throws IOException {
        if (next == -2) {
            next = in.read();
        }
        return next;
    }

    private int consume() throws IOException {
        int c = current();
        if (c >= 0) {
            position++;
            next = -2;
        }
        return c;
    }

    /** Where a copied value goes, up to a limit. */
    private static final class Budget {
        private final StringBuilder raw;
        private final int limit;
        boolean exceeded;

        Budget(StringBuilder raw, int limit) {
            this.raw = raw;
            this.limit = limit;
        }

        void add(char c) {
            if (raw == null || exceeded) {
                return;
            }
            if (raw.length() >= limit) {
                exceeded = true;
            } else {
                raw.append(c);
            }
        }
    }

    /** The text is not JSON. */
    static final class JsonSyntaxException extends IOException {
        private static final long serialVersionUID = 1L;

        JsonSyntaxException(String message) {
            super(message);
        }
    }
}
