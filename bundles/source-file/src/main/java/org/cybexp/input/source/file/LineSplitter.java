package org.cybexp.input.source.file;

import java.util.Arrays;

/**
 * Splits a file's bytes into lines at {@code \n}, across reads: a line that ends in a later read is kept until it
 * does. A line longer than {@code maxLineBytes} is cut there (at a character boundary for UTF-8); the rest, up
 * to its end, is skipped. Offsets are file offsets, so the owner knows where each line ends.
 */
final class LineSplitter {

    /** Receives each line without its {@code \n}. */
    interface Lines {
        /**
         * @param end the file offset just after the line's {@code \n}
         * @param cut whether the line was longer than the limit and is only its start
         */
        void line(byte[] data, int off, int len, long end, boolean cut);
    }

    private final int maxLineBytes;
    private final Lines out;
    private byte[] partial = new byte[256];
    private int partialLength;
    /** The current line passed the limit: its bytes are dropped until its end. */
    private boolean cutting;

    LineSplitter(int maxLineBytes, Lines out) {
        this.maxLineBytes = maxLineBytes;
        this.out = out;
    }

    /** Feeds {@code len} bytes read at file offset {@code position}. */
    void feed(byte[] data, int off, int len, long position) {
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (data[i] != '\n') {
                continue;
            }
            long lineEnd = position + (i - off) + 1;
            if (partialLength == 0 && !cutting) {
                int length = i - start;
                if (length > maxLineBytes) {
                    out.line(data, start, cutPoint(data, start, maxLineBytes, data[start + maxLineBytes]), lineEnd, true);
                } else {
                    out.line(data, start, length, lineEnd, false);
                }
            } else {
                append(data, start, i - start);
                out.line(partial, 0, partialLength, lineEnd, cutting);
                partialLength = 0;
                cutting = false;
            }
            start = i + 1;
        }
        if (start < end) {
            append(data, start, end - start);
        }
    }

    private void append(byte[] data, int off, int len) {
        if (cutting) {
            return;
        }
        int room = maxLineBytes - partialLength;
        int take = Math.min(room, len);
        if (partialLength + take > partial.length) {
            partial = Arrays.copyOf(partial, Math.min(maxLineBytes, Math.max(partial.length * 2, partialLength + take)));
        }
        System.arraycopy(data, off, partial, partialLength, take);
        partialLength += take;
        if (len > room) {
            partialLength = cutPoint(partial, 0, partialLength, data[off + take]);
            cutting = true;
        }
    }

    /**
     * The length of a cut line: at most {@code max} bytes, not splitting a UTF-8 sequence.
     *
     * @param firstLeftOut the first byte that does not fit
     */
    private static int cutPoint(byte[] data, int off, int max, byte firstLeftOut) {
        int n = max;
        byte next = firstLeftOut;
        for (int back = 0; n > 0 && back < 3 && (next & 0xC0) == 0x80; back++) {
            n--;
            next = data[off + n];
        }
        return n;
    }

    /** Bytes of an unfinished line kept so far (not yet handed out). */
    int pendingBytes() {
        return partialLength;
    }

    boolean hasPartial() {
        return partialLength > 0 || cutting;
    }

    /**
     * Hands out the unfinished last line as a line (a released or compressed file ends without {@code \n}).
     *
     * @param end the file offset where the file ended
     */
    void flush(long end) {
        if (hasPartial()) {
            out.line(partial, 0, partialLength, end, cutting);
            partialLength = 0;
            cutting = false;
        }
    }

    /** Drops the unfinished line (the file it came from was truncated under it). */
    void reset() {
        partialLength = 0;
        cutting = false;
    }
}
