package org.cybexp.input.delivery.store;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * One segment of an outbox log ({@code <first seq>.seg}). The appender and the deliverer each have their own
 * handle, so one reads while the other writes; {@link #durableEnd} is how far the appender has fsync'd, and
 * nothing past it is read. {@link RandomAccessFile}, not a FileChannel: interrupting a thread (an immediate stop
 * of a fetch) would close a channel under every other user of the segment.
 */
final class SegmentFile implements Closeable {

    /** A record read at an offset, and where the next one starts. */
    record Read(SegmentRecord record, long next) {
    }

    final Path path;
    final long firstSeq;
    private final RandomAccessFile writer;
    private final RandomAccessFile reader;
    private volatile long durableEnd;

    private SegmentFile(Path path, long firstSeq, RandomAccessFile writer, RandomAccessFile reader)
            throws IOException {
        this.path = path;
        this.firstSeq = firstSeq;
        this.writer = writer;
        this.reader = reader;
        this.durableEnd = writer.length();
    }

    static SegmentFile open(Path path, long firstSeq) throws IOException {
        RandomAccessFile writer = new RandomAccessFile(path.toFile(), "rw");
        try {
            return new SegmentFile(path, firstSeq, writer, new RandomAccessFile(path.toFile(), "r"));
        } catch (IOException e) {
            writer.close();
            throw e;
        }
    }

    long durableEnd() {
        return durableEnd;
    }

    /**
     * Reads the record at {@code offset}, or returns null if there is none intact there (damage, a torn write,
     * or the end).
     */
    Read read(long offset) throws IOException {
        long end = durableEnd;
        if (offset + SegmentRecord.HEADER > end) {
            return null;
        }
        ByteBuffer header = ByteBuffer.wrap(readFully(offset, SegmentRecord.HEADER));
        int length = SegmentRecord.payloadLength(header);
        if (length < 0 || offset + SegmentRecord.HEADER + length > end) {
            return null;
        }
        SegmentRecord record = SegmentRecord.verified(header, readFully(offset + SegmentRecord.HEADER, length));
        return record == null ? null : new Read(record, offset + SegmentRecord.HEADER + length);
    }

    /**
     * Finds the next intact record after damage at {@code offset}: the first offset past it where a record with
     * a valid CRC starts, or {@link #durableEnd} if there is none.
     */
    long resync(long offset) throws IOException {
        long end = durableEnd;
        for (long pos = offset + 1; pos + SegmentRecord.HEADER <= end;) {
            int n = (int) Math.min(64 * 1024, end - pos);
            ByteBuffer window = ByteBuffer.wrap(readFully(pos, n));
            for (int i = 0; i + 4 <= n; i++) {
                if (window.getInt(i) == SegmentRecord.MAGIC && read(pos + i) != null) {
                    return pos + i;
                }
            }
            pos += Math.max(1, n - 3); // a magic may straddle two windows
        }
        return end;
    }

    /** Appends bytes at the durable end and forces them to disk; on failure cuts them off again. */
    void append(ByteBuffer bytes) throws IOException {
        long start = durableEnd;
        synchronized (writer) {
            try {
                writer.seek(start);
                writer.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                writer.getFD().sync();
                durableEnd = start + bytes.remaining();
                bytes.position(bytes.limit());
            } catch (IOException e) {
                try {
                    writer.setLength(start); // a full disk must not leave half a batch for the next append
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        }
    }

    /** Cuts the file at {@code offset} (a torn tail found at opening). */
    void truncate(long offset) throws IOException {
        synchronized (writer) {
            writer.setLength(offset);
            writer.getFD().sync();
            durableEnd = offset;
        }
    }

    /** Copies a byte range, to keep damaged bytes for a person to look at. */
    byte[] bytes(long from, long to) throws IOException {
        return readFully(from, (int) Math.min(Integer.MAX_VALUE - 8, to - from));
    }

    private byte[] readFully(long offset, int length) throws IOException {
        byte[] out = new byte[length];
        synchronized (reader) {
            reader.seek(offset);
            try {
                reader.readFully(out);
            } catch (EOFException e) {
                throw new IOException(path + " ends before " + (offset + length), e);
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        try (reader) {
            writer.close();
        }
    }
}
