package org.cybexp.input.source.upload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a {@code multipart/form-data} body part by part as it arrives, so a part of any size streams through
 * a fixed buffer to wherever it goes. A body that ends before its closing delimiter is refused
 * ({@link Malformed}): a cut-off upload is never taken for a short one.
 */
final class MultipartReader {

    /** The body is no well-formed multipart form (or was cut off); the message says where. */
    static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    /** One part's headers: its form field name, the file name and media type when given. */
    record PartHead(String name, String filename, String contentType) {
    }

    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final byte[] delimiter; // CRLF--boundary
    private final byte[] buf;
    private int head;
    private int tail;
    private boolean started;
    private boolean finished;

    MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[BUFFER + delimiter.length];
        // the first delimiter has no CRLF before it: pretend one, so every delimiter looks the same
        buf[0] = '\r';
        buf[1] = '\n';
        tail = 2;
    }

    /** The boundary of a {@code multipart/form-data} media type, if it is one. */
    static Optional<String> boundary(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String[] params = contentType.split(";");
        if (!params[0].strip().toLowerCase(Locale.ROOT).equals("multipart/form-data")) {
            return Optional.empty();
        }
        for (int i = 1; i < params.length; i++) {
            String param = params[i].strip();
            if (param.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String value = unquote(param.substring("boundary=".length()));
                return value.isEmpty() || value.length() > 70 ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /**
     * Moves to the next part and reads its headers; the body of the part before must have been read.
     *
     * @return the part's headers, or empty after the closing delimiter
     */
    Optional<PartHead> next() throws IOException {
        if (finished) {
            return Optional.empty();
        }
        if (!started) {
            started = true;
            skipTo(OutputStream.nullOutputStream()); // the preamble, before the first delimiter
        }
        byte[] after = take(2);
        if (after[0] == '-' && after[1] == '-') {
            finished = true;
            return Optional.empty();
        }
        if (after[0] != '\r' || after[1] != '\n') {
            throw new Malformed("a delimiter is followed by neither CRLF nor --");
        }
        return Optional.of(headers());
    }

    /** Copies the current part's body to {@code out}, up to the next delimiter. */
    void body(OutputStream out) throws IOException {
        skipTo(out);
    }

    /** The current part's body as text, refused beyond {@code max} bytes. */
    String text(int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        skipTo(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (out.size() + len > max) {
                    throw new Malformed("a text field is longer than " + max + " bytes");
                }
                out.write(b, off, len);
            }
        });
        return out.toString(StandardCharsets.UTF_8);
    }

    private PartHead headers() throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        int matched = 0; // of CRLFCRLF, counting the line end the delimiter's CRLF already gave
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            if (block.size() == 0 && matched == 0 && peekIsCrlf()) {
                take(2);
                break; // a part without headers
            }
            byte b = take(1)[0];
            block.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (block.size() > MAX_HEADER_BYTES) {
                throw new Malformed("a part's headers are longer than " + MAX_HEADER_BYTES + " bytes");
            }
        }
        String name = null;
        String filename = null;
        String type = null;
        for (String line : block.toString(StandardCharsets.UTF_8).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String header = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (header.equals("content-disposition")) {
                Map<String, String> params = params(value);
                name = params.get("name");
                filename = params.get("filename");
            } else if (header.equals("content-type")) {
                type = value;
            }
        }
        if (name == null) {
            throw new Malformed("a part has no Content-Disposition name");
        }
        return new PartHead(name, filename, type);
    }

    private boolean peekIsCrlf() throws IOException {
        fill(2);
        return tail - head >= 2 && buf[head] == '\r' && buf[head + 1] == '\n';
    }

    private static Map<String, String> params(String disposition) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String piece : disposition.split(";")) {
            int eq = piece.indexOf('=');
            if (eq > 0) {
                out.put(piece.substring(0, eq).strip().toLowerCase(Locale.ROOT), unquote(piece.substring(eq + 1)));
            }
        }
        return out;
    }

    private static String unquote(String value) {
        String v = value.strip();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** Copies bytes to {@code out} until the delimiter, which is consumed. */
    private void skipTo(OutputStream out) throws IOException {
        while (true) {
            int at = indexOfDelimiter();
            if (at >= 0) {
                out.write(buf, head, at - head);
                head = at + delimiter.length;
                return;
            }
            // all but a possible start of the delimiter can go
            int safe = Math.max(head, tail - delimiter.length + 1);
            out.write(buf, head, safe - head);
            head = safe;
            if (!fillMore()) {
                throw new Malformed("the body ended before the multipart form's end (cut off?)");
            }
        }
    }

    private int indexOfDelimiter() {
        int last = tail - delimiter.length;
        byte first = delimiter[0];
        for (int i = head; i <= last; i++) {
            if (buf[i] != first) {
                continue; // the common case, kept tight: most bytes are not a CR
            }
            int j = 1;
            while (j < delimiter.length && buf[i + j] == delimiter[j]) {
                j++;
            }
            if (j == delimiter.length) {
                return i;
            }
        }
        return -1;
    }

    private byte[] take(int n) throws IOException {
        fill(n);
        if (tail - head < n) {
            throw new Malformed("the body ended before the multipart form's end (cut off?)");
        }
        byte[] out = new byte[n];
        System.arraycopy(buf, head, out, 0, n);
        head += n;
        return out;
    }

    private void fill(int n) throws IOException {
        while (tail - head < n && fillMore()) {
            // reads until n bytes are buffered or the body ends
        }
    }

    /** Reads more into the buffer, moving what is left to its start; false at the end of the body. */
    private boolean fillMore() throws IOException {
        if (head > 0) {
            System.arraycopy(buf, head, buf, 0, tail - head);
            tail -= head;
            head = 0;
        }
        int read = in.read(buf, tail, buf.length - tail);
        if (read < 0) {
            return false;
        }
        tail += read;
        return true;
    }
}
