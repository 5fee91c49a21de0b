package org.cybexp.input.source.openphish;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into LF- or CRLF-terminated lines, keeping at most {@code maxLineBytes} of each line in
 * memory: a longer line is consumed to its end and flagged, never buffered whole. The last line may lack its LF.
 * Not thread-safe; one reader per stream.
 */
final class BoundedLineReader {

    private final InputStream in;
    private final byte[] chunk = new byte[8192];
    private int chunkPos;
    private int chunkEnd;
    private boolean eof;

    /** One byte beyond the limit, so that a line of exactly the limit followed by CR still fits. */
    private final byte[] line;
    private final int maxLineBytes;
    private int length;
    private boolean tooLong;
    private long number;
    private final long maxTotalBytes;
    private long total;

    BoundedLineReader(InputStream in, int maxLineBytes) {
        this(in, maxLineBytes, Long.MAX_VALUE);
    }

    /** A reader that reads no more than {@code maxTotalBytes} of the stream: then it ends, {@link #overLimit()}. */
    BoundedLineReader(InputStream in, int maxLineBytes, long maxTotalBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.line = new byte[maxLineBytes + 1];
        this.maxTotalBytes = maxTotalBytes;
    }

    /** Whether the stream held more than the reader's total limit: it stopped reading there. */
    boolean overLimit() {
        return total > maxTotalBytes;
    }

    /** Reads the next line; false when the stream has ended. */
    boolean next() throws IOException {
        length = 0;
        tooLong = false;
        boolean any = false;
        while (fill()) {
            any = true;
            byte b = chunk[chunkPos++];
            if (b == '\n') {
                break;
            }
            if (length < line.length) {
                line[length++] = b;
            } else {
                tooLong = true;
            }
        }
        if (!any) {
            return false;
        }
        if (!tooLong && length > 0 && line[length - 1] == '\r') {
            length--;
        }
        tooLong |= length > maxLineBytes;
        number++;
        return true;
    }

    private boolean fill() throws IOException {
        if (chunkPos < chunkEnd) {
            return true;
        }
        if (eof || overLimit()) {
            return false;
        }
        int n;
        do {
            n = in.read(chunk);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        total += n;
        chunkPos = 0;
        chunkEnd = n;
        if (overLimit()) {
            chunkEnd = 0; // the bytes over the limit are not handed out: the read ends here
            return false;
        }
        return true;
    }

    /** The current line's bytes without its line end; valid until the next {@link #next()}. */
    byte[] buffer() {
        return line;
    }

    /** The number of bytes of the current line held in {@link #buffer()}. */
    int length() {
        return Math.min(length, maxLineBytes);
    }

    /** Whether the current line was longer than the limit (its bytes are then only the first ones). */
    boolean tooLong() {
        return tooLong;
    }

    /** The 1-based number of the current line. */
    long number() {
        return number;
    }

    /** Up to {@code max} first bytes of the current line, for error reports. */
    byte[] sample(int max) {
        return Arrays.copyOf(line, Math.min(length(), max));
    }
}
