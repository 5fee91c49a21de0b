package org.cybexp.input.source.text;

import java.io.IOException;
import java.io.InputStream;

/**
 * Passes UTF-8 through and replaces each ill-formed sequence (the maximal subpart, as Unicode chapter 3 says)
 * with U+FFFD. A JSON parser stops for good at the first invalid byte; with this in front it reads on.
 * {@link #counting} only counts the repairs (one junk byte in a MISP comment must not lose the event);
 * {@link #locating} also remembers where, and the reader asks {@link #replacedBetween(long, long)} to skip
 * just the records that held one.
 *
 * <p>Offsets are those of the bytes this stream yields, which is what the parser above reports. Not
 * thread-safe.
 */
public final class Utf8Repair extends InputStream {

    /** Text with more replacements than a locating stream can remember close together is not text at all. */
    public static final class NotTextException extends IOException {
        private static final long serialVersionUID = 1L;

        NotTextException(String message) {
            super(message);
        }
    }

    /** More replacements than this waiting to be asked about means the data is not text at all. */
    public static final int MAX_PENDING_REPLACEMENTS = 100_000;
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};
    private static final int CHUNK = 16 * 1024;

    private final InputStream in;
    /** Raw bytes; up to 3 bytes of an incomplete sequence are carried to the front between reads. */
    private final byte[] raw = new byte[CHUNK + 3];
    private int carried;
    private boolean eof;
    /** Repaired bytes: a lone invalid byte grows to three. */
    private final byte[] out = new byte[3 * (CHUNK + 3)];
    private int outPos;
    private int outEnd;
    /** Offset of out[0] in the repaired stream. */
    private long outBase;

    /** Offsets of the replacements not yet asked about, in increasing order (a ring buffer); null: counting. */
    private final long[] replaced;
    private int replacedHead;
    private int replacedSize;
    private long replacements;

    private Utf8Repair(InputStream in, boolean locating) {
        this.in = in;
        this.replaced = locating ? new long[MAX_PENDING_REPLACEMENTS] : null;
    }

    /** A stream that counts its repairs. */
    public static Utf8Repair counting(InputStream in) {
        return new Utf8Repair(in, false);
    }

    /** A stream that counts its repairs and remembers where they were, for {@link #replacedBetween}. */
    public static Utf8Repair locating(InputStream in) {
        return new Utf8Repair(in, true);
    }

    @Override
    public int read() throws IOException {
        if (outPos == outEnd && !fill()) {
            return -1;
        }
        return out[outPos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (outPos == outEnd && !fill()) {
            return -1;
        }
        int n = Math.min(len, outEnd - outPos);
        System.arraycopy(out, outPos, b, off, n);
        outPos += n;
        return n;
    }

    @Override
    public int available() {
        return outEnd - outPos;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /**
     * Whether a replacement was made in [start, end). Calls must come with increasing ranges: replacements
     * before {@code start} are forgotten.
     *
     * @throws IllegalStateException on a {@linkplain #counting counting} stream, which does not remember
     */
    public boolean replacedBetween(long start, long end) {
        if (replaced == null) {
            throw new IllegalStateException("a counting Utf8Repair does not remember where it replaced");
        }
        while (replacedSize > 0 && replaced[replacedHead] < start) {
            replacedHead = (replacedHead + 1) % replaced.length;
            replacedSize--;
        }
        return replacedSize > 0 && replaced[replacedHead] < end;
    }

    /** The number of ill-formed sequences replaced so far. */
    public long replacements() {
        return replacements;
    }

    /** Reads and repairs the next chunk; false at the end of the stream. */
    private boolean fill() throws IOException {
        outBase += outEnd;
        outPos = 0;
        outEnd = 0;
        while (outEnd == 0) {
            if (eof) {
                return false;
            }
            int n = in.read(raw, carried, CHUNK);
            if (n < 0) {
                eof = true;
                n = 0;
            }
            repair(carried + n);
        }
        return true;
    }

    /** Repairs raw[0, length) into out; keeps an incomplete sequence at the end for the next read. */
    private void repair(int length) throws IOException {
        int i = 0;
        while (i < length) {
            int b = raw[i] & 0xFF;
            if (b < 0x80) {
                out[outEnd++] = (byte) b;
                i++;
                continue;
            }
            int need = sequenceLength(b);
            if (need == 0) {
                replace();
                i++;
                continue;
            }
            int valid = 1;
            while (valid < need && i + valid < length && continuationOk(b, valid, raw[i + valid] & 0xFF)) {
                valid++;
            }
            if (valid == need) {
                System.arraycopy(raw, i, out, outEnd, need);
                outEnd += need;
                i += need;
            } else if (i + valid == length && !eof) {
                break; // the sequence may continue in the next read
            } else {
                replace(); // the maximal subpart raw[i, i + valid) becomes one U+FFFD
                i += valid;
            }
        }
        carried = length - i;
        System.arraycopy(raw, i, raw, 0, carried);
    }

    /** The length of a sequence starting with this lead byte; 0 if it cannot start one. */
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

    /** Whether byte {@code index} (1..3) of a sequence led by {@code lead} may be {@code b} (Unicode table 3-7). */
    private static boolean continuationOk(int lead, int index, int b) {
        if (index == 1) {
            return switch (lead) {
                case 0xE0 -> b >= 0xA0 && b <= 0xBF; // no overlong forms
                case 0xED -> b >= 0x80 && b <= 0x9F; // no surrogates
                case 0xF0 -> b >= 0x90 && b <= 0xBF; // no overlong forms
                case 0xF4 -> b >= 0x80 && b <= 0x8F; // nothing above U+10FFFF
                default -> b >= 0x80 && b <= 0xBF;
            };
        }
        return b >= 0x80 && b <= 0xBF;
    }

    private void replace() throws IOException {
        if (replaced != null) {
            if (replacedSize == replaced.length) {
                throw new NotTextException("the data holds more than " + MAX_PENDING_REPLACEMENTS
                        + " invalid UTF-8 sequences close together: it is not text");
            }
            replaced[(replacedHead + replacedSize) % replaced.length] = outBase + outEnd;
            replacedSize++;
        }
        replacements++;
        System.arraycopy(REPLACEMENT, 0, out, outEnd, REPLACEMENT.length);
        outEnd += REPLACEMENT.length;
    }
}
