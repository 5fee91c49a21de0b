package org.cybexp.input.source.misplookup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The values of one dropped file, in file order: plain lines (one value each, {@code #} comments and blank
 * lines skipped), a CSV file with a header row ({@code .csv}: the value column by name or 1-based number, a
 * {@code type} column used when present), or a JSON list ({@code .json}, or any file starting with {@code [}) of
 * strings or of {@code {"value": ..., "type": ...}} objects. Read whole: the cursor is an index into this list.
 */
final class ValueFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ValueFile() {
    }

    /** Why a file cannot be read; it goes to {@code failed/} with this reason. */
    static final class UnreadableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableException(String message) {
            super(message);
        }
    }

    static List<LookupValue> read(String name, InputStream in, long maxBytes, String csvColumn)
            throws IOException, UnreadableException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new UnreadableException("larger than max_file_bytes (" + maxBytes + " bytes)");
        }
        String text = utf8(bytes);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json") || text.stripLeading().startsWith("[")) {
            return json(text);
        }
        if (lower.endsWith(".csv")) {
            return csv(text, csvColumn);
        }
        return lines(text);
    }

    private static String utf8(byte[] bytes) throws UnreadableException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UnreadableException("not UTF-8 text");
        }
    }

    private static List<LookupValue> lines(String text) throws IOException, UnreadableException {
        List<LookupValue> values = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new StringReader(text))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String value = line.strip();
                if (!value.isEmpty() && !value.startsWith("#")) {
                    values.add(checked(value, "", values.size()));
                }
            }
        }
        return values;
    }

    private static List<LookupValue> json(String text) throws UnreadableException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UnreadableException("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) {
            throw new UnreadableException("not a JSON list of values");
        }
        List<LookupValue> values = new ArrayList<>();
        for (JsonNode item : root) {
            if (item.isTextual() || item.isNumber()) {
                addIfPresent(values, item.asText(), "");
            } else if (item.isObject() && item.path("value").isValueNode()) {
                addIfPresent(values, item.path("value").asText(), item.path("type").asText(""));
            } else {
                throw new UnreadableException("element " + (values.size() + 1) + " is neither a string nor an "
                        + "object with a \"value\"");
            }
        }
        return values;
    }

    private static List<LookupValue> csv(String text, String column) throws IOException, UnreadableException {
        List<LookupValue> values = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new StringReader(text))) {
            String header = reader.readLine();
            while (header != null && (header.isBlank() || header.startsWith("#"))) {
                header = reader.readLine();
            }
            if (header == null) {
                return values;
            }
            List<String> names = CsvLine.split(header).stream().map(n -> n.strip().toLowerCase(Locale.ROOT)).toList();
            int valueAt = column(names, column);
            int typeAt = names.indexOf("type");
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                List<String> fields = CsvLine.split(line);
                if (valueAt < fields.size()) {
                    addIfPresent(values, fields.get(valueAt), typeAt >= 0 && typeAt < fields.size()
                            ? fields.get(typeAt) : "");
                }
            }
        }
        return values;
    }

    private static int column(List<String> names, String column) throws UnreadableException {
        String wanted = column.strip().toLowerCase(Locale.ROOT);
        if (wanted.matches("\\d{1,4}") && Integer.parseInt(wanted) >= 1) {
            return Integer.parseInt(wanted) - 1;
        }
        int at = names.indexOf(wanted);
        if (at < 0) {
            throw new UnreadableException("its header has no column '" + wanted + "' (csv_column); it has "
                    + String.join(", ", names));
        }
        return at;
    }

    private static void addIfPresent(List<LookupValue> values, String value, String type)
            throws UnreadableException {
        if (!value.isBlank()) {
            values.add(checked(value.strip(), type, values.size()));
        }
    }

    private static LookupValue checked(String value, String type, int index) throws UnreadableException {
        if (value.length() > 8192 || value.chars().anyMatch(Character::isISOControl)) {
            throw new UnreadableException("value " + (index + 1) + " is over 8192 characters or holds control "
                    + "characters");
        }
        if (!type.isBlank() && !TypeGuess.isType(type.strip())) {
            throw new UnreadableException("value " + (index + 1) + " has a type that is no MISP type");
        }
        return LookupValue.of(value, type);
    }

    /** A CSV line's fields: commas, double quotes around fields and doubled quotes inside them (RFC 4180). */
    static final class CsvLine {
        private CsvLine() {
        }

        static List<String> split(String line) {
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else {
                    field.append(c);
                }
            }
            fields.add(field.toString());
            return fields;
        }
    }

}
