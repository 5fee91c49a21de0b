package org.cybexp.input.delivery.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The sequence number up to which an outbox is delivered ({@code ack}). Two checksummed slots written in turn,
 * so a torn write leaves the other one. Every acknowledgement is written (the page cache keeps it through a
 * killed process); it is fsync'd at most once per {@code syncEvery} millis, so after a power loss only the
 * last moments' deliveries are sent again (at-least-once), never skipped.
 *
 * <p>Both slots are written when the file is opened, so an acknowledgement overwrites bytes the disk already
 * holds and needs no new space: a full disk cannot keep delivery from writing down what the API took.
 */
final class AckFile implements Closeable {

    private static final int SLOT = 16;

    private final RandomAccessFile file;
    private final long syncEveryMillis;
    private long acked;
    private int nextSlot;
    private long lastSync;

    private AckFile(RandomAccessFile file, long syncEveryMillis, long acked, int nextSlot) {
        this.file = file;
        this.syncEveryMillis = syncEveryMillis;
        this.acked = acked;
        this.nextSlot = nextSlot;
    }

    /** Opens the file; an absent or unreadable one means nothing is acknowledged ({@code -1}). */
    static AckFile open(Path path, long syncEveryMillis) throws IOException {
        RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
        long best = -1;
        int bestSlot = -1;
        for (int slot = 0; slot < 2; slot++) {
            if (file.length() >= (slot + 1L) * SLOT) {
                byte[] bytes = new byte[SLOT];
                file.seek((long) slot * SLOT);
                file.readFully(bytes);
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                long seq = buffer.getLong(0);
                if (buffer.getInt(8) == crc(seq) && seq > best) {
                    best = seq;
                    bestSlot = slot;
                }
            }
        }
        reserve(file, best);
        return new AckFile(file, syncEveryMillis, best, bestSlot == 0 ? 1 : 0);
    }

    /**
     * Writes the slots the file does not have yet (a new outbox) with the current value, which reads back the
     * same. Best effort: on a disk already full the outbox still opens, and an ack that fails is written again.
     */
    private static void reserve(RandomAccessFile file, long acked) {
        try {
            long length = file.length();
            if (length >= 2L * SLOT) {
                return;
            }
            for (long at = length - length % SLOT; at < 2L * SLOT; at += SLOT) {
                file.seek(at);
                file.write(slot(acked));
            }
            file.getFD().sync();
        } catch (IOException e) {
            // no room now: the first acknowledgement allocates the slots instead
        }
    }

    synchronized long acked() {
        return acked;
    }

    synchronized void ack(long seq, long nowMillis) throws IOException {
        file.seek((long) nextSlot * SLOT);
        file.write(slot(seq));
        nextSlot = 1 - nextSlot;
        acked = seq;
        if (nowMillis - lastSync >= syncEveryMillis) {
            file.getFD().sync();
            lastSync = nowMillis;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        try (file) {
            file.getFD().sync();
        }
    }

    private static byte[] slot(long seq) {
        return ByteBuffer.allocate(SLOT).putLong(seq).putInt(crc(seq)).array();
    }

    private static int crc(long seq) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(seq).flip());
        return (int) crc.getValue();
    }
}
