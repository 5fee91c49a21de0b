package org.cybexp.input.delivery.sink;

import java.io.IOException;
import java.io.InputStream;

/**
 * A read buffer over a connection's socket stream, for one thread at a time: unlike
 * {@link java.io.BufferedInputStream} it takes no lock per call, and the answer's head is read a byte at a time.
 */
final class AnswerInput extends InputStream {

    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;

    AnswerInput(InputStream in, int size) {
        this.in = in;
        this.buffer = new byte[size];
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position == limit) {
            if (length >= buffer.length) {
                return in.read(into, offset, length); // a large read needs no copy through the buffer
            }
            if (!fill()) {
                return -1;
            }
        }
        int count = Math.min(length, limit - position);
        System.arraycopy(buffer, position, into, offset, count);
        position += count;
        return count;
    }

    /** Bytes readable without blocking: the buffered ones, else the socket's. */
    @Override
    public int available() throws IOException {
        return limit > position ? limit - position : in.available();
    }

    private boolean fill() throws IOException {
        int read = in.read(buffer, 0, buffer.length);
        if (read <= 0) {
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }
}
