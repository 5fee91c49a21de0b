package org.cybexp.input.source.phishtank;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What the first bytes of a download (or of its decompressed content) are: PhishTank and the CDN in front of
 * it answer errors, rate limits and challenges with text or HTML, sometimes with status 200 and under the
 * dump's name, so the content decides, not the URL or the media type.
 */
final class DumpHead {

    /** Enough to hold the rate-limit sentence and any HTML preamble. */
    static final int HEAD_BYTES = 1024;
    /** PhishTank's rate-limit answer: "You have exceeded the request rate limit for this method. ..." */
    static final String RATE_LIMIT_TEXT = "exceeded the request rate limit";

    /** The kinds of content told apart. */
    enum Kind {
        EMPTY, BZIP2, GZIP, JSON, HTML, RATE_LIMIT_TEXT, OTHER
    }

    private final byte[] bytes;
    private final int length;

    private DumpHead(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    /** Reads up to {@link #HEAD_BYTES} bytes and resets the stream to where it was; it must support mark. */
    static DumpHead peek(InputStream in) throws IOException {
        byte[] head = new byte[HEAD_BYTES];
        in.mark(HEAD_BYTES);
        int length = 0;
        while (length < head.length) {
            int n = in.read(head, length, head.length - length);
            if (n < 0) {
                break;
            }
            length += n;
        }
        in.reset();
        return new DumpHead(head, length);
    }

    /** Classifies bytes already read (for tests). */
    static DumpHead of(byte[] bytes) {
        return new DumpHead(bytes, Math.min(bytes.length, HEAD_BYTES));
    }

    Kind kind() {
        if (length >= 3 && bytes[0] == 'B' && bytes[1] == 'Z' && bytes[2] == 'h') {
            return Kind.BZIP2;
        }
        if (length >= 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B) {
            return Kind.GZIP;
        }
        int start = contentStart();
        if (start == length) {
            // only whitespace: empty if that was all, else let the JSON parser look further
            return length < HEAD_BYTES ? Kind.EMPTY : Kind.JSON;
        }
        if (bytes[start] == '[') {
            return Kind.JSON; // a dump: a URL in it may well mention rate limits
        }
        if (text().toLowerCase(Locale.ROOT).contains(RATE_LIMIT_TEXT)) {
            return Kind.RATE_LIMIT_TEXT; // plain text, HTML or a JSON error object
        }
        return switch (bytes[start]) {
            case '[', '{' -> Kind.JSON;
            case '<' -> Kind.HTML;
            default -> Kind.OTHER;
        };
    }

    /** The first bytes in hex, for messages: safe to print whatever the content. */
    String describe() {
        int n = Math.min(length, 8);
        return n == 0 ? "nothing" : "bytes " + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, n);
    }

    int length() {
        return length;
    }

    private String text() {
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1).replaceAll("\\s+", " ");
    }

    /** Skips a UTF-8 byte order mark and JSON whitespace. */
    private int contentStart() {
        int i = length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF
                ? 3 : 0;
        while (i < length && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) {
            i++;
        }
        return i;
    }
}
