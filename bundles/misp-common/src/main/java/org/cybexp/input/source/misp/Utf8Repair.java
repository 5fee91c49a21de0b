package org.cybexp.input.source.misp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes UTF-8 through and replaces each byte that cannot start or continue a valid UTF-8 sequence with the
 * three bytes of U+FFFD, counting the repairs.
 *
 * <p>Why: one junk byte in an attribute comment (seen in real MISP answers) makes Jackson give up on the whole
 * document, and a page that always fails would block the input forever. Repairing keeps the event's
 * intelligence; the count lets the caller report the repair.
 */
public final class Utf8Repair extends FilterInputStream {

    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};
    private static final int CHUNK = 16 * 1024;

    private final byte[] raw = new byte[CHUNK + 4];
    /** Bytes of {@link #raw} not yet examined: an incomplete sequence kept from the last read, or new input. */
    private int inStart;
    private int inEnd;
    private boolean eof;

    private final byte[] out = new byte[CHUNK * 3 + 12];
    private int outStart;
    private int outEnd;

    private long repairs;

    public Utf8Repair(InputStream source) {
        super(source);
    }

    /** How many invalid bytes were replaced so far. */
    public long repairs() {
        return repairs;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (outStart == outEnd) {
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, outEnd - outStart);
        System.arraycopy(out, outStart, b, off, n);
        outStart += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        byte[] scratch = new byte[(int) Math.min(CHUNK, Math.max(1, n))];
        while (skipped < n) {
            int read = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return outEnd - outStart;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads more input and converts it; false at the end of the input with nothing left to give. */
    private boolean fill() throws IOException {
        outStart = 0;
        outEnd = 0;
        if (inStart > 0) {
            System.arraycopy(raw, inStart, raw, 0, inEnd - inStart);
            inEnd -= inStart;
            inStart = 0;
        }
        if (!eof) {
            int read = in.read(raw, inEnd, CHUNK);
            if (read < 0) {
                eof = true;
            } else {
                inEnd += read;
            }
        }
        if (inEnd == 0 && eof) {
            return false;
        }
        convert();
        return true;
    }

    /** Copies complete valid sequences, replaces invalid bytes; keeps an incomplete tail unless at the end. */
    private void convert() {
        int i = inStart;
        while (i < inEnd) {
            int lead = raw[i] & 0xFF;
            if (lead < 0x80) {
                out[outEnd++] = (byte) lead;
                i++;
                continue;
            }
            int length = sequenceLength(lead);
            if (length == 0) {
                replace();
                i++;
                continue;
            }
            if (i + length > inEnd && !eof) {
                // Possibly complete with the next read: keep the tail, unless it is invalid already.
                if (validPrefix(i, inEnd - i)) {
                    break;
                }
            }
            if (i + length <= inEnd && validPrefix(i, length)) {
                System.arraycopy(raw, i, out, outEnd, length);
                outEnd += length;
                i += length;
            } else {
                replace();
                i++;
            }
        }
        inStart = i;
    }

    private void replace() {
        System.arraycopy(REPLACEMENT, 0, out, outEnd, REPLACEMENT.length);
        outEnd += REPLACEMENT.length;
        repairs++;
    }

    /** Length of the sequence a lead byte starts, or 0 if it cannot start one (RFC 3629). */
    private static int sequenceLength(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) {
            return 2;
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            return 3;
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            return 4;
        }
        return 0;
    }

    /** Whether the {@code count} bytes at {@code at} are a valid start of a sequence (overlongs, surrogates out). */
    private boolean validPrefix(int at, int count) {
        int lead = raw[at] & 0xFF;
        for (int k = 1; k < count; k++) {
            int b = raw[at + k] & 0xFF;
            int low = 0x80;
            int high = 0xBF;
            if (k == 1) {
                switch (lead) {
                    case 0xE0 -> low = 0xA0;
                    case 0xED -> high = 0x9F;
                    case 0xF0 -> low = 0x90;
                    case 0xF4 -> high = 0x8F;
                    default -> { }
                }
            }
            if (b < low || b > high) {
                return false;
            }
        }
        return true;
    }
}
