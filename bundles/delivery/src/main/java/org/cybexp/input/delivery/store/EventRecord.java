package org.cybexp.input.delivery.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An event with its header, as held by an outbox; the body is not copied, so do not change it. A large body
 * lives in a file instead ({@code file} not null, {@code body} empty): a blob of the outbox, or before it is
 * stored, the plugin's file; it is only ever read as a stream.
 */
public record EventRecord(EventHeader header, byte[] body, Path file) {

    private static final byte[] NONE = new byte[0];

    /** A record with its body in memory. */
    public EventRecord(EventHeader header, byte[] body) {
        this(header, body, null);
    }

    /** A record whose header's checksum and length describe {@code body}. */
    public static EventRecord of(String name, String orgid, String typetag, String timezone, String mediaType,
            byte[] body) {
        return new EventRecord(
                new EventHeader(name, orgid, typetag, timezone, mediaType, sha256(body), body.length), body);
    }

    /** A record whose body is the file; its SHA-256 is computed by streaming it. */
    public static EventRecord ofFile(String name, String orgid, String typetag, String timezone, String mediaType,
            Path file) throws IOException {
        MessageDigest digest = digest();
        long length = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = in.read(chunk)) >= 0;) {
                digest.update(chunk, 0, n);
                length += n;
            }
        }
        return new EventRecord(new EventHeader(name, orgid, typetag, timezone, mediaType,
                HexFormat.of().formatHex(digest.digest()), length), NONE, file);
    }

    /** Whether the body is in a file. */
    public boolean inFile() {
        return file != null;
    }

    /** The body as a stream, never loaded whole; the caller closes it. */
    public InputStream openBody() throws IOException {
        return file == null ? new ByteArrayInputStream(body) : Files.newInputStream(file);
    }

    /** The same header with its body in another file (the blob it was moved to). */
    EventRecord movedTo(Path blob) {
        return new EventRecord(header, NONE, blob);
    }

    /** Lower-case hex SHA-256 of the bytes. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Why the body does not match its header, or null if it does. A file body is checked by its length only
     * (hashing a gigabyte at every hand-out would cost more than it finds).
     */
    public String damage() {
        if (file != null) {
            try {
                long size = Files.size(file);
                return size == header.length() ? null : "blob length " + size + " instead of " + header.length();
            } catch (NoSuchFileException e) {
                return "blob " + file.getFileName() + " is missing";
            } catch (IOException e) {
                return "blob " + file.getFileName() + " unreadable: " + e.getMessage();
            }
        }
        if (body.length != header.length()) {
            return "length " + body.length + " instead of " + header.length();
        }
        return sha256(body).equals(header.sha256()) ? null : "sha-256 mismatch";
    }
}
