package org.cybexp.input.source.misp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sits between the source and Jackson's parser and keeps a copy of the bytes of one element while the parser
 * walks over it, at most {@code limit} bytes.
 *
 * <p>Why: the parser can skip a huge element without building it (strings are skipped, not decoded), but then
 * its bytes are gone. Recording them here, bounded, lets an element that fits be posted from its source bytes
 * (one copy instead of a tree at about eleven times its size) and one that does not fit be passed over with its
 * size known, so the elements after it go on.
 */
final class EventRecorder extends FilterInputStream {

    static final int SAMPLE_BYTES = 256;
    private static final int CHUNK = 64 * 1024;
    /** Jackson reads ahead of the token it reports; the recording may hold that much beyond the element. */
    private static final int READ_AHEAD = 64 * 1024;
    private static final int WINDOW = 128 * 1024;

    private final long limit;
    /** Bytes handed to the parser so far: the parser's byte offsets. */
    private long position;
    /**
     * The bytes read most recently, at least {@code WINDOW / 2} of them: a recording starts at a token the
     * parser just reported, which lies in them even when the source hands out a few bytes per read.
     */
    private final byte[] window = new byte[WINDOW];
    private long windowStart;
    private int windowLength;

    private long recordStart = -1;
    private long recorded;
    private boolean overflow;
    private List<byte[]> chunks;
    private int chunkFill;
    private byte[] head;
    private int headFill;

    EventRecorder(InputStream source, long limit) {
        super(source);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            keep(b, off, n);
            if (recordStart >= 0) {
                append(b, off, n);
            }
            position += n;
        }
        return n;
    }

    /** Adds a read to the window; when full, the older half goes (each byte moves about once). */
    private void keep(byte[] b, int off, int n) {
        if (n >= WINDOW / 2) {
            System.arraycopy(b, off + n - WINDOW / 2, window, 0, WINDOW / 2);
            windowStart = position + n - WINDOW / 2;
            windowLength = WINDOW / 2;
            return;
        }
        if (windowLength + n > WINDOW) {
            int drop = windowLength - WINDOW / 2;
            System.arraycopy(window, drop, window, 0, WINDOW / 2);
            windowStart += drop;
            windowLength = WINDOW / 2;
        }
        System.arraycopy(b, off, window, windowLength, n);
        windowLength += n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("an element recorder is read, never skipped");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Starts recording at a byte offset the parser reported, which lies in the recent reads. */
    void startAt(long offset) {
        if (offset < windowStart || offset > position) {
            throw new IllegalStateException("offset " + offset + " is outside the recent reads " + windowStart + "-"
                    + position);
        }
        recordStart = offset;
        recorded = 0;
        overflow = false;
        chunks = new ArrayList<>();
        chunkFill = CHUNK;
        head = new byte[SAMPLE_BYTES];
        headFill = 0;
        int from = (int) (offset - windowStart);
        if (from < windowLength) {
            append(window, from, windowLength - from);
        }
    }

    /** Whether a recording is running. */
    boolean recording() {
        return recordStart >= 0;
    }

    /** Ends the recording at a byte offset the parser reported (just after the element). */
    Recording stopAt(long end) {
        long length = end - recordStart;
        Recording recording = new Recording(recordStart, length, overflow || length > limit ? null : chunks,
                Arrays.copyOf(head, headFill));
        recordStart = -1;
        chunks = null;
        head = null;
        return recording;
    }

    private void append(byte[] b, int off, int n) {
        if (headFill < SAMPLE_BYTES) {
            int copy = Math.min(n, SAMPLE_BYTES - headFill);
            System.arraycopy(b, off, head, headFill, copy);
            headFill += copy;
        }
        recorded += n;
        if (overflow) {
            return;
        }
        if (recorded > limit + READ_AHEAD) {
            overflow = true; // too large: only the size and the head are kept
            chunks = null;
            return;
        }
        int done = 0;
        while (done < n) {
            if (chunkFill == CHUNK) {
                chunks.add(new byte[CHUNK]);
                chunkFill = 0;
            }
            int copy = Math.min(n - done, CHUNK - chunkFill);
            System.arraycopy(b, off + done, chunks.get(chunks.size() - 1), chunkFill, copy);
            chunkFill += copy;
            done += copy;
        }
    }

    /**
     * The bytes of one element, addressed by the parser's byte offsets.
     *
     * @param start the offset of the element's first byte
     * @param length the element's size in bytes
     * @param chunks its bytes (and possibly some after it), or null when it was larger than the limit
     * @param head its first bytes, for a log sample
     */
    record Recording(long start, long length, List<byte[]> chunks, byte[] head) {

        boolean complete() {
            return chunks != null;
        }

        byte at(long offset) {
            long i = offset - start;
            return chunks.get((int) (i / CHUNK))[(int) (i % CHUNK)];
        }

        /**
         * The bytes from {@code from} to {@code to} without the whitespace between JSON tokens, wrapped in
         * {@code prefix} and {@code suffix}, with the byte at {@code upper} (if not negative) in upper case.
         */
        byte[] compact(long from, long to, byte[] prefix, byte[] suffix, long upper) {
            int size = prefix.length + suffix.length;
            boolean inString = false;
            boolean escaped = false;
            for (long i = from; i < to; i++) {
                byte b = at(i);
                if (inString || !isBlank(b)) {
                    size++;
                }
                if (inString) {
                    inString = escaped || b != '"';
                    escaped = !escaped && b == '\\';
                } else {
                    inString = b == '"';
                }
            }
            byte[] out = new byte[size];
            System.arraycopy(prefix, 0, out, 0, prefix.length);
            int o = prefix.length;
            inString = false;
            escaped = false;
            for (long i = from; i < to; i++) {
                byte b = at(i);
                if (inString || !isBlank(b)) {
                    out[o++] = i == upper ? (byte) Character.toUpperCase(b) : b;
                }
                if (inString) {
                    inString = escaped || b != '"';
                    escaped = !escaped && b == '\\';
                } else {
                    inString = b == '"';
                }
            }
            System.arraycopy(suffix, 0, out, o, suffix.length);
            return out;
        }

        private static boolean isBlank(byte b) {
            return b == ' ' || b == '\n' || b == '\r' || b == '\t';
        }
    }
}
