package org.cybexp.input.source.phishtank;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * Collects at most {@code capacity} bytes and drops the rest, remembering that it did: a record too large to
 * post is read to its end (to find the next one) without being held in memory.
 */
final class BoundedSink extends OutputStream {

    private final int capacity;
    private byte[] bytes = new byte[1024];
    private int size;
    private boolean overflowed;

    BoundedSink(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        int room = capacity - size;
        if (len > room) {
            overflowed = true;
            len = Math.max(0, room);
        }
        if (size + len > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(capacity, Math.max(size + len, bytes.length * 2)));
        }
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    /** Whether bytes were dropped. */
    boolean overflowed() {
        return overflowed;
    }

    /** The bytes kept. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }
}
