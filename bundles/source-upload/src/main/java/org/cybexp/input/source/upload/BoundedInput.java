package org.cybexp.input.source.upload;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A request body refused once it grows past a bound: a chunked body has no length to check up front. */
final class BoundedInput extends FilterInputStream {

    private final long max;
    private long read;

    BoundedInput(InputStream in, long max) {
        super(in);
        this.max = max;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            read += n;
            if (read > max) {
                throw new UploadForm.TooLarge("the body is larger than the " + max + " bytes this endpoint takes");
            }
        }
        return n;
    }
}
