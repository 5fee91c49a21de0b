package org.cybexp.input.delivery.sink;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * One HTTP/1.1 answer read strictly from a buffered stream: the status line, a bounded header block
 * ({@link #HEAD_LIMIT} bytes, {@link #HEADER_LIMIT} fields), interim 1xx answers skipped, the body framed by
 * {@code Content-Length}, by chunked {@code Transfer-Encoding} or by the end of the connection, and read up to a
 * limit. Says whether the connection can carry another post: only when the body was read to its framed end
 * and the server keeps the connection ({@code Connection: close}, HTTP/1.0 without keep-alive do not).
 *
 * @param reason the status line's reason phrase, possibly empty
 * @param retryAfter the first {@code Retry-After} value, or null
 * @param body the body, at most the limit's bytes
 * @param reusable whether the connection may carry the next request
 */
record HttpAnswer(int status, String reason, String retryAfter, byte[] body, boolean reusable) {

    static final int HEAD_LIMIT = 64 * 1024;
    static final int HEADER_LIMIT = 100;
    private static final int CHUNK_LINE_LIMIT = 1024;
    private static final int INTERIM_LIMIT = 10;

    /** The head's fields that matter here, gathered while it is read. */
    private static final class Head {
        int status;
        String reason;
        boolean http10;
        long contentLength = -1;
        boolean chunked;
        boolean otherCoding;
        boolean close;
        boolean keepAlive;
        String retryAfter;
        int bytes;
        int fields;
    }

    /**
     * Reads the answer to one request.
     *
     * @throws IOException if it is malformed, beyond the bounds of its head, or cut short
     */
    static HttpAnswer read(InputStream in, int bodyLimit) throws IOException {
        Head head = head(in);
        for (int interim = 1; head.status >= 100 && head.status < 200; interim++) { // 100, 102, 103: skipped
            if (interim > INTERIM_LIMIT) {
                throw new IOException("more than " + INTERIM_LIMIT + " interim 1xx answers");
            }
            head = head(in);
        }
        byte[] body;
        boolean framedEnd;
        if (head.status == 204 || head.status == 304) {
            body = new byte[0];
            framedEnd = true;
        } else if (head.chunked) {
            Body chunks = chunked(in, head, bodyLimit);
            body = chunks.bytes();
            framedEnd = chunks.complete();
        } else if (head.otherCoding || head.contentLength < 0) {
            body = in.readNBytes(bodyLimit); // framed by the close: this connection carries nothing more
            framedEnd = false;
        } else {
            body = exactly(in, (int) Math.min(head.contentLength, bodyLimit));
            framedEnd = head.contentLength <= bodyLimit; // a longer body is not read on: the connection closes
        }
        boolean kept = head.http10 ? head.keepAlive && !head.close : !head.close;
        return new HttpAnswer(head.status, head.reason, head.retryAfter, body, framedEnd && kept);
    }

    private static Head head(InputStream in) throws IOException {
        Head head = new Head();
        statusLine(line(in, head), head);
        for (String line; !(line = line(in, head)).isEmpty();) {
            if (++head.fields > HEADER_LIMIT) {
                throw new IOException("answer with more than " + HEADER_LIMIT + " header fields");
            }
            field(line, head);
        }
        if (head.status == 101) {
            throw new IOException("answer 101: the API switched protocols");
        }
        return head;
    }

    private static void statusLine(String line, Head head) throws IOException {
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' '
                || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new IOException("malformed status line: " + printable(line));
        }
        char minor = line.charAt(7);
        if (minor != '0' && minor != '1') {
            throw new IOException("unsupported HTTP version: " + printable(line.substring(0, 8)));
        }
        head.http10 = minor == '0';
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("malformed status line: " + printable(line));
            }
            status = status * 10 + (c - '0');
        }
        head.status = status;
        head.reason = line.length() > 13 ? line.substring(13).strip() : "";
    }

    private static void field(String line, Head head) throws IOException {
        int colon = line.indexOf(':');
        if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' '
                || line.charAt(colon - 1) == '\t') {
            throw new IOException("malformed header field: " + printable(line)); // obs-fold or space before ':'
        }
        String value = line.substring(colon + 1).strip();
        String name = line.substring(0, colon);
        if (name.equalsIgnoreCase("Content-Length")) {
            long length = contentLength(value);
            if (head.contentLength >= 0 && head.contentLength != length) {
                throw new IOException("answer with two different Content-Length values");
            }
            head.contentLength = length;
        } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
            String codings = value.toLowerCase(Locale.ROOT);
            boolean chunkedLast = codings.endsWith("chunked")
                    && (codings.length() == 7 || ",\t ".indexOf(codings.charAt(codings.length() - 8)) >= 0);
            head.chunked = chunkedLast; // a later field overrides: the last coding counts
            head.otherCoding = !chunkedLast;
        } else if (name.equalsIgnoreCase("Connection")) {
            for (String token : value.split(",")) {
                head.close |= token.strip().equalsIgnoreCase("close");
                head.keepAlive |= token.strip().equalsIgnoreCase("keep-alive");
            }
        } else if (name.equalsIgnoreCase("Retry-After") && head.retryAfter == null) {
            head.retryAfter = value;
        }
    }

    private static long contentLength(String value) throws IOException {
        if (value.isEmpty() || value.length() > 18) {
            throw new IOException("malformed Content-Length: " + printable(value));
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("malformed Content-Length: " + printable(value));
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    private record Body(byte[] bytes, boolean complete) {
    }

    /** A chunked body up to the limit; complete once the last chunk and the trailers were read. */
    private static Body chunked(InputStream in, Head head, int limit) throws IOException {
        byte[] body = new byte[Math.min(limit, 8192)];
        int length = 0;
        while (true) {
            long size = chunkSize(in);
            if (size == 0) {
                break;
            }
            if (length + size > limit) {
                int part = limit - length;
                body = grow(body, limit);
                readFully(in, body, length, part);
                return new Body(Arrays.copyOf(body, limit), false); // longer than the limit: not read on
            }
            body = grow(body, length + (int) size);
            readFully(in, body, length, (int) size);
            length += (int) size;
            if (in.read() != '\r' || in.read() != '\n') {
                throw new IOException("malformed chunked body: no line end after a chunk");
            }
        }
        for (String trailer; !(trailer = line(in, head)).isEmpty();) { // trailers count toward the head's bounds
            if (++head.fields > HEADER_LIMIT) {
                throw new IOException("answer with more than " + HEADER_LIMIT + " header fields");
            }
        }
        return new Body(Arrays.copyOf(body, length), true);
    }

    /** A chunk's size line: hex digits, then extensions after ';' which are ignored. */
    private static long chunkSize(InputStream in) throws IOException {
        long size = 0;
        int digits = 0;
        int read = 0;
        boolean extension = false;
        for (int b; (b = in.read()) != '\n';) {
            if (b < 0) {
                throw new EOFException("answer cut short in a chunked body");
            }
            if (++read > CHUNK_LINE_LIMIT) {
                throw new IOException("malformed chunked body: chunk line too long");
            }
            int digit = Character.digit(b, 16);
            if (!extension && digit >= 0) {
                if (++digits > 15) {
                    throw new IOException("malformed chunked body: chunk too large");
                }
                size = size * 16 + digit;
            } else if (b == ';' || b == ' ' || b == '\t') {
                extension = true;
            } else if (b != '\r' && !extension) {
                throw new IOException("malformed chunked body: bad chunk size");
            }
        }
        if (digits == 0) {
            throw new IOException("malformed chunked body: no chunk size");
        }
        return size;
    }

    private static byte[] grow(byte[] body, int needed) {
        return needed <= body.length ? body : Arrays.copyOf(body, Math.max(needed, body.length * 2));
    }

    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] body = new byte[length];
        readFully(in, body, 0, length);
        return body;
    }

    private static void readFully(InputStream in, byte[] into, int offset, int length) throws IOException {
        if (in.readNBytes(into, offset, length) < length) {
            throw new EOFException("answer cut short: body incomplete");
        }
    }

    /** One line of the head without its CRLF (a bare LF is taken too), counted toward {@link #HEAD_LIMIT}. */
    private static String line(InputStream in, Head head) throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b; (b = in.read()) != '\n';) {
            if (b < 0) {
                throw new EOFException(head.bytes == 0 ? "connection closed without an answer"
                        : "answer cut short in its head");
            }
            if (++head.bytes > HEAD_LIMIT) {
                throw new IOException("answer head longer than " + HEAD_LIMIT + " bytes");
            }
            line.append((char) b); // ISO-8859-1, as HTTP fields are
        }
        head.bytes++;
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            line.setLength(end - 1);
        }
        return line.toString();
    }

    /** For error messages: control characters shown as '?', at most 100 characters. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 100));
        for (int i = 0; i < text.length() && i < 100; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }
}
