package org.cybexp.input.delivery.store;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The framing of one record in an outbox segment: {@code magic, type, seq, length, crc32c, payload}, big-endian.
 * The CRC covers the type, seq, length and payload, so a torn write or flipped bits are found on reading; the
 * magic lets a reader find the next intact record after a damaged one.
 */
final class SegmentRecord {

    static final int MAGIC = 0xCB5E0A17;
    static final int HEADER = 4 + 1 + 8 + 4 + 4;
    /** A length above this is damage, not data: no event comes near it (the core batches 8 MiB). */
    static final int MAX_PAYLOAD = 256 * 1024 * 1024;

    static final byte EVENT = 1;
    /** The core's opaque commit (dedup keys and cursor) of the events just before it; never delivered. */
    static final byte COMMIT = 2;
    /** An event whose body is a blob file of the outbox: the payload is its header line and the blob's name. */
    static final byte BLOB = 3;

    final byte type;
    final long seq;
    final byte[] payload;

    SegmentRecord(byte type, long seq, byte[] payload) {
        this.type = type;
        this.seq = seq;
        this.payload = payload;
    }

    int size() {
        return HEADER + payload.length;
    }

    void writeTo(ByteBuffer out) {
        out.putInt(MAGIC).put(type).putLong(seq).putInt(payload.length).putInt(crc(type, seq, payload))
                .put(payload);
    }

    /**
     * Checks a header read at some offset.
     *
     * @return the payload length, or -1 if this is not the start of a record
     */
    static int payloadLength(ByteBuffer header) {
        if (header.getInt(0) != MAGIC) {
            return -1;
        }
        byte type = header.get(4);
        int length = header.getInt(13);
        return (type == EVENT || type == COMMIT || type == BLOB) && length >= 0 && length <= MAX_PAYLOAD ? length : -1;
    }

    /** The record if the header and payload agree with the header's CRC, else null. */
    static SegmentRecord verified(ByteBuffer header, byte[] payload) {
        byte type = header.get(4);
        long seq = header.getLong(5);
        return crc(type, seq, payload) == header.getInt(17) ? new SegmentRecord(type, seq, payload) : null;
    }

    private static int crc(byte type, long seq, byte[] payload) {
        CRC32C crc = new CRC32C();
        ByteBuffer fields = ByteBuffer.allocate(13).put(type).putLong(seq).putInt(payload.length).flip();
        crc.update(fields);
        crc.update(payload);
        return (int) crc.getValue();
    }
}
