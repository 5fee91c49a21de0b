package org.cybexp.input.source.phishtank;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/** The PhishTank samples in {@code src/test/resources/phishtank} and helpers to build dumps from them. */
final class Fixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/phishtank/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The records of the 50-record sample as trees, in dump order. */
    static List<JsonNode> records() {
        return records(bytes("online-valid.json"));
    }

    static List<JsonNode> records(byte[] json) {
        try {
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(json).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A compact JSON array of records. */
    static byte[] dump(List<JsonNode> records) {
        try {
            ArrayNode array = JSON.createArrayNode();
            records.forEach(array::add);
            return JSON.writeValueAsBytes(array);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bzip2(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream bz = new BZip2CompressorOutputStream(out)) {
            bz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String phishId(JsonNode record) {
        return record.get("phish_id").asText();
    }

    static String dedupKey(JsonNode record) {
        JsonNode time = record.get("verification_time");
        return "phishtank:" + phishId(record) + "@" + (time == null || time.isNull() ? "" : time.asText());
    }
}
