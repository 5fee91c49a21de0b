package org.cybexp.input.delivery.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * What an outbox has delivered ({@code ack}): a watermark (every event up to that sequence number is delivered)
 * in two checksummed slots written in turn, so a torn write leaves the other one; and, after them, a fixed table
 * of entries for events delivered out of order above the watermark (several posts are in flight at once, and
 * answers come in any order). An entry is one checksummed sequence number; it means "delivered" only while it is
 * above the watermark, so an entry the watermark has passed is free again without being erased.
 *
 * <p>Every acknowledgement is written (the page cache keeps it through a killed process); it is fsync'd at most
 * once per {@code syncEvery} millis, so after a power loss only the last moments' deliveries are sent again
 * (at-least-once), never skipped: an entry or a slot is only ever written with a number that was delivered.
 *
 * <p>The slots and the table are written when the file is opened, so an acknowledgement overwrites bytes the
 * disk already holds and needs no new space: a full disk cannot keep delivery from writing down what the API took.
 * Then they are written through a memory mapping: a store into the page cache, which a killed process leaves
 * behind as a {@code write} does, instead of a seek and a write (two system calls each, made under the outbox's
 * lock, which the other posts of the input wait for). Where the file could not be made full size it is written
 * with seeks and writes.
 */
final class AckFile implements Closeable {

    /** Out-of-order acknowledgements the table holds; beyond them, delivery waits for the oldest post. */
    static final int DEFAULT_ENTRIES = 8192;
    private static final int SLOT = 16;
    private static final int TABLE = 2 * SLOT;
    /** Entries and slots checksum different bytes, so neither is ever taken for the other. */
    private static final byte ENTRY_TAG = 'E';

    private final RandomAccessFile file;
    /** The slots and the table, mapped; null when the file could not be made full size (then the file is written). */
    private MappedByteBuffer mapped;
    private final long syncEveryMillis;
    private long watermark;
    private int nextSlot;
    private long lastSync;
    private boolean closed;
    /** Entry index by sequence number, for the out-of-order acknowledgements above the watermark. */
    private final NavigableMap<Long, Integer> entries = new TreeMap<>();
    private final Deque<Integer> free = new ArrayDeque<>();

    private AckFile(RandomAccessFile file, MappedByteBuffer mapped, long syncEveryMillis, long watermark,
            int nextSlot) {
        this.file = file;
        this.mapped = mapped;
        this.syncEveryMillis = syncEveryMillis;
        this.watermark = watermark;
        this.nextSlot = nextSlot;
    }

    /** Opens the file; an absent or unreadable one means nothing is acknowledged (watermark {@code -1}). */
    static AckFile open(Path path, long syncEveryMillis) throws IOException {
        return open(path, syncEveryMillis, DEFAULT_ENTRIES);
    }

    static AckFile open(Path path, long syncEveryMillis, int capacity) throws IOException {
        RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
        try {
            // one read of all of it: a read per entry was three system calls each, 24k for a new outbox's table
            long length = file.length();
            byte[] bytes = new byte[(int) Math.min(length, entryOffset(capacity))];
            file.readFully(bytes);
            ByteBuffer table = ByteBuffer.wrap(bytes);
            long best = -1;
            int bestSlot = -1;
            for (int slot = 0; slot < 2; slot++) {
                long seq = readSeq(table, slot * SLOT, null);
                if (seq > best) {
                    best = seq;
                    bestSlot = slot;
                }
            }
            boolean full = reserve(file, length, best, capacity);
            AckFile ack = new AckFile(file, full ? map(path, entryOffset(capacity)) : null, syncEveryMillis, best,
                    bestSlot == 0 ? 1 : 0);
            for (int i = 0; i < capacity; i++) {
                long seq = readSeq(table, (int) entryOffset(i), ENTRY_TAG);
                if (seq > best) {
                    ack.entries.put(seq, i);
                } else {
                    ack.free.addLast(i);
                }
            }
            return ack;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * Maps the first {@code size} bytes, on a channel of its own closed at once: the mapping outlives it, and no
     * interrupt of a delivery thread can close it (an interrupt closes a channel for every user).
     *
     * @return null if it cannot be mapped: then the file is written with seeks and writes
     */
    private static MappedByteBuffer map(Path path, long size) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** The checksummed number at {@code offset}, or -1 if there is none intact (never written, torn). */
    private static long readSeq(ByteBuffer table, int offset, Byte tag) {
        if (table.limit() < offset + SLOT) {
            return -1;
        }
        long seq = table.getLong(offset);
        return table.getInt(offset + 8) == crc(seq, tag) ? seq : -1;
    }

    /**
     * Writes what the file does not have yet (a new outbox, or one written before the table existed): the slots
     * with the current watermark, which reads back the same, and the table with entries that mean nothing. Best
     * effort: on a disk already full the outbox still opens, and an ack that fails is written again.
     *
     * @return whether the file has its full size now
     */
    private static boolean reserve(RandomAccessFile file, long length, long watermark, int capacity) {
        try {
            long full = entryOffset(capacity);
            if (length >= full) {
                return true;
            }
            for (long at = length - length % SLOT; at < TABLE; at += SLOT) {
                file.seek(at);
                file.write(slot(watermark, null));
            }
            // zeros, which no entry's checksum matches, written rather than a sparse hole: the blocks are allocated
            long from = Math.max(length, TABLE);
            file.seek(from);
            file.write(new byte[(int) (full - from)]);
            file.getFD().sync();
            return true;
        } catch (IOException e) {
            return false; // no room now: the first acknowledgement allocates what it needs instead
        }
    }

    /** Every event up to this sequence number is delivered. */
    synchronized long watermark() {
        return watermark;
    }

    /** Whether the event was delivered: at or under the watermark, or acknowledged out of order above it. */
    synchronized boolean acked(long seq) {
        return seq <= watermark || entries.containsKey(seq);
    }

    /** How many more out-of-order acknowledgements the table can take. */
    synchronized int room() {
        return free.size();
    }

    /** How many acknowledgements above the watermark the file holds. */
    synchronized int outOfOrder() {
        return entries.size();
    }

    /**
     * Writes down that {@code seq} was delivered and that every event up to {@code newWatermark} is: the entry
     * first (when {@code seq} stays above the watermark), then the watermark, so a crash between the two loses
     * nothing. Entries the new watermark passes are free again.
     *
     * @throws IllegalStateException if {@code seq} needs an entry and the table is full (see {@link #room})
     */
    synchronized void ack(long seq, long newWatermark, long nowMillis) throws IOException {
        if (closed) {
            throw new IOException("the acknowledgement file is closed");
        }
        if (seq > newWatermark && !entries.containsKey(seq)) {
            Integer index = free.peekFirst();
            if (index == null) {
                throw new IllegalStateException("no room for another acknowledgement out of order");
            }
            write(entryOffset(index), seq, ENTRY_TAG);
            free.removeFirst();
            entries.put(seq, index);
        }
        if (newWatermark > watermark) {
            write((long) nextSlot * SLOT, newWatermark, null);
            nextSlot = 1 - nextSlot;
            watermark = newWatermark;
            Map<Long, Integer> passed = entries.headMap(newWatermark, true);
            free.addAll(passed.values());
            passed.clear();
        }
        if (nowMillis - lastSync >= syncEveryMillis) {
            sync();
            lastSync = nowMillis;
        }
    }

    private void write(long offset, long seq, Byte tag) throws IOException {
        if (mapped != null) {
            try {
                mapped.putLong((int) offset, seq).putInt((int) offset + 8, crc(seq, tag));
                return;
            } catch (InternalError e) {
                // SIGBUS: the page could not be had (a copy-on-write file system out of space, an I/O error);
                // from now on the file is written, whose failures are IOExceptions the delivery retries
                unmapAfterFault();
                throw new IOException("the acknowledgement table could not be written: " + e.getMessage());
            }
        } else {
            file.seek(offset);
            file.write(slot(seq, tag));
        }
    }

    private void sync() throws IOException {
        if (mapped != null) {
            try {
                mapped.force(); // msync(MS_SYNC): the mapped pages to the disk, as fsync would
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (InternalError e) {
                unmapAfterFault();
                throw new IOException("the acknowledgement table could not be synced: " + e.getMessage());
            }
        } else {
            file.getFD().sync();
        }
    }

    private void unmapAfterFault() {
        MappedByteBuffer faulted = mapped;
        mapped = null;
        Unmapper.unmap(faulted);
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (file) {
            sync();
        } finally {
            if (mapped != null) {
                Unmapper.unmap(mapped); // no ack() can touch it now: closed is set, and ack() takes this lock
            }
        }
    }

    private static long entryOffset(int index) {
        return TABLE + (long) index * SLOT;
    }

    private static byte[] slot(long seq, Byte tag) {
        return ByteBuffer.allocate(SLOT).putLong(seq).putInt(crc(seq, tag)).array();
    }

    private static int crc(long seq, Byte tag) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(seq).flip());
        if (tag != null) {
            crc.update(tag);
        }
        return (int) crc.getValue();
    }
}
