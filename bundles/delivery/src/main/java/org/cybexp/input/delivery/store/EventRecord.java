package org.cybexp.input.delivery.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** An event with its header, as held by an outbox; the body is not copied, so do not change it. */
public record EventRecord(EventHeader header, byte[] body) {

    /** A record whose header's checksum and length describe {@code body}. */
    public static EventRecord of(String name, String orgid, String typetag, String timezone, String mediaType,
            byte[] body) {
        return new EventRecord(
                new EventHeader(name, orgid, typetag, timezone, mediaType, sha256(body), body.length), body);
    }

    /** Lower-case hex SHA-256 of the bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Why the body does not match its header, or null if it does. */
    public String damage() {
        if (body.length != header.length()) {
            return "length " + body.length + " instead of " + header.length();
        }
        return sha256(body).equals(header.sha256()) ? null : "sha-256 mismatch";
    }
}
