package org.cybexp.input.source.phishtank;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the decompressed bytes and fails once they pass the cap, so that a decompression bomb (a few KB of
 * bzip2 expanding to many GB) stops early with a clear error instead of filling the disk or running for hours.
 * Also tags failures of the decompressor below as {@link DumpStreamException.Reason#CORRUPT}.
 */
final class SizeCappedInputStream extends FilterInputStream {

    private final long maxBytes;
    private final String format;
    private long count;

    /**
     * @param in the decompressed stream
     * @param maxBytes the most bytes it may yield
     * @param format what the data below is ({@code bzip2}, {@code gzip}, {@code json}), for messages
     */
    SizeCappedInputStream(InputStream in, long maxBytes, String format) {
        super(in);
        this.maxBytes = maxBytes;
        this.format = format;
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = super.read();
        } catch (IOException e) {
            throw tagged(e);
        }
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            // never read more than one byte past the cap: a bomb is stopped at the cap, not a buffer later
            long left = maxBytes - count + 1;
            n = super.read(b, off, (int) Math.min(len, Math.max(1, left)));
        } catch (IOException e) {
            throw tagged(e);
        }
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // through read(), so that skipped bytes count too
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    /** The number of decompressed bytes read so far. */
    long count() {
        return count;
    }

    private void counted(int n) throws DumpStreamException {
        count += n;
        if (count > maxBytes) {
            throw new DumpStreamException(DumpStreamException.Reason.TOO_LARGE, "the dump is larger than "
                    + maxBytes + " bytes after decompression (max_decompressed_bytes): refused as a possible "
                    + "decompression bomb", null);
        }
    }

    private IOException tagged(IOException e) {
        if (e instanceof DumpStreamException || e.getCause() instanceof DumpStreamException) {
            return e.getCause() instanceof DumpStreamException cause ? cause : e;
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new DumpStreamException(DumpStreamException.Reason.CORRUPT, "the " + format
                + " data is truncated or corrupt after " + count + " decompressed bytes (" + detail + ")", e);
    }
}
