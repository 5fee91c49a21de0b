package org.cybexp.input.source.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceException;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns one answer into records, as {@code format}, {@code records}, {@code record_id} and {@code record_version}
 * say. A body that is not what the configuration says (an HTML page, {@code records} pointing at nothing) is an
 * error, never an empty page; a record without its id is returned as malformed, to be counted.
 */
final class RecordReader {

    /** Larger pages are refused: the whole page is parsed in memory. */
    static final int MAX_PAGE_BYTES = 64 << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    enum Format { JSON, NDJSON, CSV }

    private final Format format;
    private final String recordsText;
    private final JsonPointer records;
    private final JsonPointer id;
    private final JsonPointer version;
    /** Where the API says "no records" in its own words (no_records_when), and the value that says it; or null. */
    private final JsonPointer noRecords;
    private final String noRecordsValue;

    private RecordReader(Format format, String recordsText, JsonPointer records, JsonPointer id, JsonPointer version,
            JsonPointer noRecords, String noRecordsValue) {
        this.format = format;
        this.recordsText = recordsText;
        this.records = records;
        this.id = id;
        this.version = version;
        this.noRecords = noRecords;
        this.noRecordsValue = noRecordsValue;
    }

    static RecordReader of(String format, String records, String id, String version) throws InvalidConfigException {
        return of(format, records, id, version, "");
    }

    static RecordReader of(String format, String records, String id, String version, String noRecordsWhen)
            throws InvalidConfigException {
        Format parsed;
        try {
            parsed = Format.valueOf(format.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("format", "must be json, ndjson or csv");
        }
        String recordsText = records.strip();
        if (parsed != Format.JSON && !recordsText.isEmpty()) {
            throw new InvalidConfigException("records", "applies to format = json only (each line or row is a record)");
        }
        JsonPointer recordsPointer = recordsText.equals("/") ? JsonPointer.empty() : pointer("records", recordsText);
        String when = noRecordsWhen.strip();
        int equals = when.indexOf('=');
        if (!when.isEmpty() && (equals < 2 || !when.startsWith("/"))) {
            throw new InvalidConfigException("no_records_when", "must be a JSON pointer, '=' and a value, e.g. "
                    + "/query_status=no_result");
        }
        return new RecordReader(parsed, recordsText, recordsPointer, pointer("record_id", id.strip()),
                pointer("record_version", version.strip()),
                when.isEmpty() ? null : pointer("no_records_when", when.substring(0, equals).strip()),
                when.isEmpty() ? null : when.substring(equals + 1).strip());
    }

    static JsonPointer pointer(String key, String text) throws InvalidConfigException {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return JsonPointer.compile(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(key, "must be a JSON pointer starting with /, e.g. /id");
        }
    }

    /** One decoded answer: its JSON root (null for NDJSON and CSV), its records and the malformed ones. */
    record Page(JsonNode root, List<JsonNode> records, List<Malformed> malformed) {
        int elements() {
            return records.size() + malformed.size();
        }
    }

    /** A record that was skipped, with why and the start of it. */
    record Malformed(String reason, String sample) { }

    Page read(InputStream body, Optional<String> mediaType) throws IOException, SourceException {
        byte[] bytes = bounded(body);
        if (format != Format.CSV && looksLikeHtml(bytes, mediaType)) {
            throw new SourceException("the API answered an HTML page, not " + format.name().toLowerCase(Locale.ROOT)
                    + " (a login page, an error page or the wrong URL?)");
        }
        return switch (format) {
            case JSON -> json(bytes);
            case NDJSON -> ndjson(bytes);
            case CSV -> csv(bytes);
        };
    }

    /** The dedup key of a record: its id (and version), or empty when the record has no id. */
    Optional<String> key(JsonNode record) {
        if (id == null) {
            return Optional.of("sha256:" + sha256(record.toString()));
        }
        Optional<String> idText = text(record.at(id));
        if (idText.isEmpty()) {
            return Optional.empty();
        }
        String key = "id:" + idText.get();
        if (version != null) {
            key += "|v:" + text(record.at(version)).orElse("");
        }
        return Optional.of(key);
    }

    String idPointer() {
        return id == null ? "" : id.toString();
    }

    private Page json(byte[] bytes) throws SourceException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new SourceException("the API's answer is not valid JSON (" + shortReason(e) + ")");
        }
        if (root == null || root.isMissingNode()) {
            return new Page(null, List.of(), List.of());
        }
        if (recordsText.isEmpty()) {
            return new Page(root, List.of(root), List.of());
        }
        JsonNode array = root.at(records);
        if (array.isArray()) {
            List<JsonNode> out = new ArrayList<>();
            array.forEach(out::add);
            return new Page(root, out, List.of());
        }
        if ((array.isMissingNode() || array.isNull()) && emptyOnTheWay(root)) {
            return new Page(root, List.of(), List.of()); // MISP's last page: {"response": []}
        }
        if (noRecords != null && root.at(noRecords).isValueNode() && root.at(noRecords).asText().equals(noRecordsValue)) {
            return new Page(root, List.of(), List.of()); // e.g. ThreatFox: {"query_status": "no_result", "data": "..."}
        }
        throw new SourceException("records " + recordsText + " points at " + describe(array) + " in the API's "
                + "answer, not an array of records; the answer's top-level keys: " + topKeys(root));
    }

    /** Whether a node on the pointer's way is empty or null: an API saying "no records" in its own shape. */
    private boolean emptyOnTheWay(JsonNode root) {
        JsonPointer step = records;
        JsonNode node = root;
        while (step != null && !step.matches()) {
            node = node.path(step.getMatchingProperty());
            if (node.isMissingNode()) {
                return false;
            }
            if (node.isNull() || (node.isContainerNode() && node.isEmpty())) {
                return true;
            }
            step = step.tail();
        }
        return false;
    }

    private Page ndjson(byte[] bytes) {
        List<JsonNode> out = new ArrayList<>();
        List<Malformed> bad = new ArrayList<>();
        int lineNumber = 0;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r?\n")) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(JSON.readTree(line));
            } catch (JacksonException e) {
                bad.add(new Malformed("line " + lineNumber + " is not JSON", line));
            }
        }
        return new Page(null, out, bad);
    }

    private Page csv(byte[] bytes) {
        CsvRows rows = CsvRows.parse(new String(bytes, StandardCharsets.UTF_8));
        return new Page(null, rows.records(), rows.malformed());
    }

    private static byte[] bounded(InputStream body) throws IOException, SourceException {
        BufferedInputStream in = new BufferedInputStream(body);
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        InputStream decoded = first == 0x1f && second == 0x8b ? new GZIPInputStream(in) : in;
        byte[] bytes = decoded.readNBytes(MAX_PAGE_BYTES + 1);
        if (bytes.length > MAX_PAGE_BYTES) {
            throw new SourceException("a page of the API's answer is larger than " + (MAX_PAGE_BYTES >> 20)
                    + " MiB: use a smaller page_size");
        }
        return bytes;
    }

    private static boolean looksLikeHtml(byte[] bytes, Optional<String> mediaType) {
        if (mediaType.map(type -> type.equals("text/html") || type.equals("application/xhtml+xml")).orElse(false)) {
            return true;
        }
        for (byte b : bytes) {
            if (!Character.isWhitespace(b)) {
                return b == '<';
            }
        }
        return false;
    }

    private static Optional<String> text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull() || node.isContainerNode()) {
            return Optional.empty();
        }
        String text = node.asText();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private static String describe(JsonNode node) {
        if (node.isMissingNode()) {
            return "nothing";
        }
        String kind = node.isObject() ? "an object" : node.isTextual() ? "a string" : node.isNull() ? "null"
                : "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        String text = node.toString();
        return node.isValueNode() ? kind + " (" + (text.length() > 120 ? text.substring(0, 120) + "..." : text) + ")"
                : kind;
    }

    private static String topKeys(JsonNode root) {
        if (!root.isObject()) {
            return "(none: the answer is " + describe(root) + ")";
        }
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        return keys.isEmpty() ? "(none)" : String.join(", ", keys.subList(0, Math.min(20, keys.size())));
    }

    private static String shortReason(IOException e) {
        String message = String.valueOf(e.getMessage());
        int end = message.indexOf('\n');
        return end > 0 ? message.substring(0, end) : message;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
