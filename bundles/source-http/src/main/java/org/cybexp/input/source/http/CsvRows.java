package org.cybexp.input.source.http;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A CSV body (RFC 4180: quoted fields, doubled quotes, CRLF or LF) as JSON records: the header row gives the
 * keys, each further row is one object of strings. A row with another number of fields is malformed.
 */
final class CsvRows {

    private final List<JsonNode> records = new ArrayList<>();
    private final List<RecordReader.Malformed> malformed = new ArrayList<>();

    private CsvRows() {
    }

    static CsvRows parse(String text) {
        CsvRows out = new CsvRows();
        List<List<String>> rows = rows(text.startsWith("\uFEFF") ? text.substring(1) : text);
        if (rows.isEmpty()) {
            return out;
        }
        List<String> header = rows.get(0);
        for (int i = 1; i < rows.size(); i++) {
            List<String> row = rows.get(i);
            if (row.size() != header.size()) {
                out.malformed.add(new RecordReader.Malformed("row " + (i + 1) + " has " + row.size()
                        + " fields, the header " + header.size(), String.join(",", row)));
                continue;
            }
            ObjectNode record = RecordReader.JSON.createObjectNode();
            for (int column = 0; column < header.size(); column++) {
                record.put(header.get(column), row.get(column));
            }
            out.records.add(record);
        }
        return out;
    }

    List<JsonNode> records() {
        return records;
    }

    List<RecordReader.Malformed> malformed() {
        return malformed;
    }

    /** The rows, blank lines dropped. */
    private static List<List<String>> rows(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean rowHasContent = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                rowHasContent = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                rowHasContent = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (rowHasContent || field.length() > 0) {
                    row.add(field.toString());
                    rows.add(row);
                }
                row = new ArrayList<>();
                field.setLength(0);
                rowHasContent = false;
            } else {
                field.append(c);
            }
        }
        if (rowHasContent || field.length() > 0) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
