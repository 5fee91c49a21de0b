package org.cybexp.input.source.misp;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * A MISP event with a malware sample of any size, generated as it is read (nothing that size is ever held or
 * committed), shaped after the CIRCL OSINT feed event in {@code shared/real/misp-feed/act-workers-circl}: a
 * {@code malware-sample} attribute whose {@code data} is the zipped sample in base64.
 */
public final class LargeMispEvent {

    private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(StandardCharsets.US_ASCII);

    private LargeMispEvent() {
    }

    /** {@code {"Event": {...}}} with {@code sampleBytes} of base64 in its malware sample, about that size in all. */
    public static InputStream document(String uuid, long timestamp, long sampleBytes) {
        return concat(ascii("{\"Event\": "), event(uuid, timestamp, sampleBytes), ascii("}"));
    }

    /**
     * {@code {"response": [small, large, small]}}: a download with a large event in the middle, whose timestamp
     * is {@code timestamp}, the small ones' a second less.
     */
    public static InputStream downloadAround(String before, String large, String after, long timestamp,
            long sampleBytes) {
        return concat(ascii("{\"response\": [{\"Event\": " + small(before, timestamp - 1) + "}, {\"Event\": "),
                event(large, timestamp, sampleBytes),
                ascii("}, {\"Event\": " + small(after, timestamp - 1) + "}]}"));
    }

    /** A small event, as JSON text. */
    public static String small(String uuid) {
        return small(uuid, 1700000001);
    }

    /** A small event with this timestamp, as JSON text. */
    public static String small(String uuid, long timestamp) {
        return "{\"uuid\": \"" + uuid + "\", \"timestamp\": \"" + timestamp + "\", \"info\": \"small\", "
                + "\"Attribute\": []}";
    }

    /** The event object alone. */
    public static InputStream event(String uuid, long timestamp, long sampleBytes) {
        String head = "{\"info\": \"OSINT - New Locky variant\", \"uuid\": \"" + uuid + "\", \"timestamp\": \""
                + timestamp + "\", \"Orgc\": {\"name\": \"CIRCL\"}, \"Attribute\": [{\"category\": \"Payload "
                + "delivery\", \"type\": \"malware-sample\", \"value\": \"a1jxlz|f34888e54bb3f7a95fc262cec94afe84\", "
                + "\"uuid\": \"5721c408-e6b8-4b3f-91e5-47f2950d210f\", \"timestamp\": \"1461830664\", \"data\": \"";
        String tail = "\", \"to_ids\": true}]}";
        return concat(ascii(head), base64(sampleBytes), ascii(tail));
    }

    private static InputStream base64(long size) {
        return new InputStream() {
            private long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    b[off + i] = BASE64[(int) ((left - i) % BASE64.length)];
                }
                left -= n;
                return n;
            }
        };
    }

    private static InputStream ascii(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static InputStream concat(InputStream... parts) {
        return new SequenceInputStream(Collections.enumeration(List.of(parts)));
    }
}
