package org.cybexp.input.source.upload;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an uploader is told about one upload, and keeps asking about: where the file is now. Stored as JSON
 * beside the input's other upload data; never holds the key, only the uploader's name.
 *
 * @param id the receipt id, 32 hex digits from a secure random source
 * @param uploader the name of the key that uploaded it
 * @param idempotency the {@code Idempotency-Key} header given, or empty
 * @param state {@code stored}, {@code delivered}, {@code dead_lettered} or {@code handed_off}
 * @param status the API's HTTP status once delivered or dead-lettered, else 0
 * @param answer the API's message once delivered or dead-lettered, else empty
 */
record Receipt(String id, String uploader, String idempotency, String name, String filename, String orgid,
        String typetag, String timezone, long bytes, String sha256, String state, String received, String updated,
        int status, String answer) {

    static final String STORED = "stored";
    static final String DELIVERED = "delivered";
    static final String DEAD_LETTERED = "dead_lettered";
    static final String HANDED_OFF = "handed_off";

    Receipt settled(String newState, int newStatus, String newAnswer, Instant at) {
        return new Receipt(id, uploader, idempotency, name, filename, orgid, typetag, timezone, bytes, sha256,
                newState, received, at.toString(), newStatus, newAnswer == null ? "" : newAnswer);
    }

    Instant receivedAt() {
        return Instant.parse(received);
    }

    boolean settled() {
        return !state.equals(STORED);
    }

    /** The answer to {@code GET <path>/receipts/<id>}. */
    Map<String, Object> view(String path) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("receipt", id);
        out.put("state", state);
        out.put("status", path + "/receipts/" + id);
        out.put("name", name);
        out.put("filename", filename);
        out.put("orgid", orgid);
        out.put("typetag", typetag);
        out.put("timezone", timezone);
        out.put("bytes", bytes);
        out.put("sha256", sha256);
        out.put("uploader", uploader);
        out.put("received", received);
        out.put("updated", updated);
        if (status != 0) {
            Map<String, Object> api = new LinkedHashMap<>();
            api.put("status", status);
            api.put("message", answer);
            out.put("api", api);
        }
        return out;
    }
}
