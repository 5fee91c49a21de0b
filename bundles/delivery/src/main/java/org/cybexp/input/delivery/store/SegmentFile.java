package org.cybexp.input.delivery.store;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One segment of an outbox log ({@code <first seq>.seg}). The appender and the deliverer each have their own
 * handle, so one reads while the other writes; {@link #durableEnd} is how far appends are fsync'd, and nothing
 * past it is read. {@link RandomAccessFile}, not a FileChannel: interrupting a thread (an immediate stop
 * of a fetch) would close a channel under every other user of the segment.
 */
final class SegmentFile implements Closeable {

    private static final int READ_AHEAD = 64 * 1024;

    /** A record read at an offset, and where the next one starts. */
    record Read(SegmentRecord record, long next) {
    }

    final Path path;
    final long firstSeq;
    private final RandomAccessFile writer;
    private final RandomAccessFile reader;
    private volatile long durableEnd;
    /**
     * Durable bytes read ahead from {@code aheadStart}: records are read one after the other, so most come from
     * here without a read of the file (a read per record was a visible share of a fast drain's CPU). Durable
     * bytes never change, except by {@link #truncate}, which forgets them. Guarded by reader.
     */
    private byte[] ahead;
    private long aheadStart;
    private int aheadLength;
    // guarded by writer
    private long writtenEnd;
    private long generation;

    private SegmentFile(Path path, long firstSeq, RandomAccessFile writer, RandomAccessFile reader)
            throws IOException {
        this.path = path;
        this.firstSeq = firstSeq;
        this.writer = writer;
        this.reader = reader;
        this.durableEnd = writer.length();
        this.writtenEnd = durableEnd;
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
        ByteBuffer header = ByteBuffer.wrap(durableBytes(offset, SegmentRecord.HEADER, end));
        int length = SegmentRecord.payloadLength(header);
        if (length < 0 || offset + SegmentRecord.HEADER + length > end) {
            return null;
        }
        SegmentRecord record = SegmentRecord.verified(header,
                durableBytes(offset + SegmentRecord.HEADER, length, end));
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

    /** Where an append's bytes end in the file, and the file's cut-back count when they were written. */
    record Written(long end, long generation) {
    }

    /** How many times a failed fsync cut the file back; an append written before a cut is gone. */
    long generation() {
        synchronized (writer) {
            return generation;
        }
    }

    /** How far appends have written (durable or not). */
    long writtenEnd() {
        synchronized (writer) {
            return writtenEnd;
        }
    }

    /**
     * Writes bytes after the last append, without forcing them to disk: {@link GroupCommit} does that for many
     * appends at once, and only then are they read. On failure (a full disk) the bytes are cut off again.
     */
    Written write(ByteBuffer bytes) throws IOException {
        synchronized (writer) {
            long start = writtenEnd;
            try {
                writer.seek(start);
                writer.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                writtenEnd = start + bytes.remaining();
                bytes.position(bytes.limit());
                return new Written(writtenEnd, generation);
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

    /**
     * Forces what was written up to {@code written} to disk and makes it readable. If the fsync fails, every byte
     * not yet durable is cut off (the appends waiting for it fail and are not stored) and appends go on from the
     * durable end.
     *
     * @return whether it ran an fsync (false: an earlier one covered these bytes)
     */
    boolean sync(Written written) throws IOException {
        long end;
        long syncing;
        synchronized (writer) {
            syncing = generation;
            if (written.generation() != syncing) {
                throw new IOException(path.getFileName() + ": an earlier fsync failed and cut this append off");
            }
            if (written.end() <= durableEnd) {
                return false; // an fsync for a later append covered it
            }
            end = writtenEnd;
        }
        // outside the lock: appends go on writing the next group while this one is forced to disk
        IOException failure = null;
        try {
            writer.getFD().sync();
        } catch (IOException e) {
            failure = e;
        }
        synchronized (writer) {
            if (failure == null && generation == syncing) {
                durableEnd = Math.max(durableEnd, end);
                return true;
            }
            if (failure == null) {
                throw new IOException(path.getFileName() + ": an earlier fsync failed and cut this append off");
            }
            generation++;
            writtenEnd = durableEnd;
            try {
                writer.setLength(durableEnd);
            } catch (IOException again) {
                failure.addSuppressed(again);
            }
            throw failure;
        }
    }

    /** Cuts the file at {@code offset} (a torn tail found at opening). */
    void truncate(long offset) throws IOException {
        synchronized (writer) {
            writer.setLength(offset);
            writer.getFD().sync();
            synchronized (reader) {
                aheadLength = 0; // bytes past the cut will be others
            }
            durableEnd = offset;
            writtenEnd = offset;
        }
    }

    /** Copies a byte range, to keep damaged bytes for a person to look at. */
    byte[] bytes(long from, long to) throws IOException {
        return readFully(from, (int) Math.min(Integer.MAX_VALUE - 8, to - from));
    }

    /** Bytes below {@code end} (durable), from the read-ahead when it holds them. */
    private byte[] durableBytes(long offset, int length, long end) throws IOException {
        if (length > READ_AHEAD) {
            return readFully(offset, length);
        }
        synchronized (reader) {
            if (offset < aheadStart || offset + length > aheadStart + aheadLength) {
                int n = (int) Math.min(READ_AHEAD, end - offset);
                aheadLength = 0; // until the read succeeded
                if (ahead == null) {
                    ahead = new byte[READ_AHEAD]; // only a segment that is read needs it
                }
                reader.seek(offset);
                try {
                    reader.readFully(ahead, 0, n);
                } catch (EOFException e) {
                    throw new IOException(path + " ends before " + (offset + n), e);
                }
                aheadStart = offset;
                aheadLength = n;
            }
            int from = (int) (offset - aheadStart);
            return Arrays.copyOfRange(ahead, from, from + length);
        }
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
