package org.cybexp.input.source.phishtank;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body of the download, with every read failure tagged {@link DumpStreamException.Reason#DOWNLOAD} so that
 * a connection reset is not reported as corrupt compressed data by the layers above.
 */
final class DownloadStream extends FilterInputStream {

    private long bytesRead;

    DownloadStream(InputStream body) {
        super(body);
    }

    @Override
    public int read() throws IOException {
        try {
            int b = super.read();
            if (b >= 0) {
                bytesRead++;
            }
            return b;
        } catch (DumpStreamException e) {
            throw e;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = super.read(b, off, len);
            if (n > 0) {
                bytesRead += n;
            }
            return n;
        } catch (DumpStreamException e) {
            throw e;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            long skipped = super.skip(n);
            bytesRead += Math.max(0, skipped);
            return skipped;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** The number of bytes downloaded so far. */
    long bytesRead() {
        return bytesRead;
    }

    private DumpStreamException failure(IOException e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new DumpStreamException(DumpStreamException.Reason.DOWNLOAD,
                "the download failed after " + bytesRead + " bytes (" + detail + ")", e);
    }
}
