package org.cybexp.input.delivery.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The bytes of one event file (outbox and dead letters): the header as one JSON line, then the body as is. A
 * reader can tell a damaged file by the body's length and SHA-256 in the header.
 */
public final class EventFile {

    private final ObjectMapper json = new ObjectMapper();

    /** The file's content: the header line and the body. */
    public byte[][] encode(EventRecord record) throws IOException {
        byte[] header = json.writeValueAsBytes(record.header());
        byte[] line = Arrays.copyOf(header, header.length + 1);
        line[header.length] = '\n';
        return new byte[][] {line, record.body()};
    }

    /**
     * Parses and checks a file's content.
     *
     * @throws CorruptEventException if the header is unreadable or the body does not match it
     */
    public EventRecord decode(byte[] content) throws CorruptEventException {
        int newline = indexOf(content, (byte) '\n');
        if (newline < 0) {
            throw new CorruptEventException("no header line");
        }
        EventHeader header;
        try {
            header = json.readValue(content, 0, newline, EventHeader.class);
        } catch (JsonProcessingException e) {
            throw new CorruptEventException("unreadable header: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CorruptEventException("unreadable header");
        }
        if (header.sha256() == null || header.name() == null || header.mediaType() == null) {
            throw new CorruptEventException("incomplete header");
        }
        EventRecord record = new EventRecord(header, Arrays.copyOfRange(content, newline + 1, content.length));
        String damage = record.damage();
        if (damage != null) {
            throw new CorruptEventException(damage);
        }
        return record;
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
