package org.cybexp.input.delivery.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The bytes of one event file (outbox and dead letters): the header as one JSON line, then the body as is. A
 * reader can tell a damaged file by the body's length and SHA-256 in the header.
 */
public final class EventFile {

    private final ObjectMapper json = new ObjectMapper();

    /** The file's content: the header line and the body (empty for a file body: see {@link #write}). */
    public byte[][] encode(EventRecord record) throws IOException {
        byte[] header = json.writeValueAsBytes(record.header());
        byte[] line = Arrays.copyOf(header, header.length + 1);
        line[header.length] = '\n';
        return new byte[][] {line, record.body()};
    }

    /**
     * The payload of an outbox record whose body is a blob: the header line and the blob's file name.
     */
    byte[] encodeReference(EventRecord record) throws IOException {
        byte[] header = json.writeValueAsBytes(record.header());
        byte[] name = record.file().getFileName().toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(header, header.length + 1 + name.length);
        out[header.length] = '\n';
        System.arraycopy(name, 0, out, header.length + 1, name.length);
        return out;
    }

    /** The header of a blob reference, unchecked (for counting). */
    EventHeader referenceHeader(byte[] payload) throws CorruptEventException {
        return header(payload, indexOf(payload, (byte) '\n'));
    }

    /**
     * Parses a blob reference; the blob is in {@code blobs} and must have the header's length.
     *
     * @throws CorruptEventException if the header is unreadable, or the blob missing or of another length
     */
    EventRecord decodeReference(byte[] payload, Path blobs) throws CorruptEventException {
        int newline = indexOf(payload, (byte) '\n');
        EventHeader header = header(payload, newline);
        String name = new String(payload, newline + 1, payload.length - newline - 1, StandardCharsets.UTF_8);
        if (!name.matches("[0-9a-f-]{36}\\" + OutboxBlobs.SUFFIX)) {
            throw new CorruptEventException("bad blob name");
        }
        EventRecord record = new EventRecord(header, new byte[0], blobs.resolve(name));
        String damage = record.damage();
        if (damage != null) {
            throw new CorruptEventException(damage);
        }
        return record;
    }

    /**
     * The content of an event file, with a file body copied by streaming: {@code out} gets the header line
     * and the body.
     */
    public void write(EventRecord record, OutputStream out) throws IOException {
        byte[][] parts = encode(record);
        out.write(parts[0]);
        try (InputStream body = record.openBody()) {
            body.transferTo(out);
        }
    }

    private EventHeader header(byte[] content, int newline) throws CorruptEventException {
        if (newline < 0) {
            throw new CorruptEventException("no header line");
        }
        EventHeader header = EventHeaderJson.read(json.getFactory(), content, newline);
        if (header.sha256() == null || header.name() == null || header.mediaType() == null) {
            throw new CorruptEventException("incomplete header");
        }
        return header;
    }

    /**
     * Parses and checks a file's content (a dead letter's, or one brought in): the body's length and SHA-256.
     *
     * @throws CorruptEventException if the header is unreadable or the body does not match it
     */
    public EventRecord decode(byte[] content) throws CorruptEventException {
        EventRecord record = parse(content);
        String damage = record.damage();
        if (damage != null) {
            throw new CorruptEventException(damage);
        }
        return record;
    }

    /**
     * Parses the payload of an outbox record whose frame's CRC-32C was just verified ({@link SegmentRecord}): the
     * CRC covers these very bytes, so the body's SHA-256 would find no more damage and is not computed again at
     * every hand-out (it was a visible share of a fast drain's CPU); its length is still checked.
     *
     * @throws CorruptEventException if the header is unreadable or the body is not of its length
     */
    EventRecord decodeFramed(byte[] payload) throws CorruptEventException {
        EventRecord record = parse(payload);
        if (record.body().length != record.header().length()) {
            throw new CorruptEventException("length " + record.body().length + " instead of "
                    + record.header().length());
        }
        return record;
    }

    private EventRecord parse(byte[] content) throws CorruptEventException {
        int newline = indexOf(content, (byte) '\n');
        EventHeader header = header(content, newline);
        return new EventRecord(header, Arrays.copyOfRange(content, newline + 1, content.length));
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** A stored event whose bytes do not match their header: never delivered, kept aside for a person to look at. */
    public static final class CorruptEventException extends IOException {
        private static final long serialVersionUID = 1L;

        public CorruptEventException(String reason) {
            super(reason);
        }
    }
}
