package org.cybexp.input.delivery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small multipart/form-data parser for the test receiver: parts in order, with their exact bytes. */
final class MultipartForm {

    /** One part: {@code filename} and {@code contentType} are null when absent. */
    record Part(String name, String filename, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
    private static final Pattern NAME = Pattern.compile("[; ]name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");

    private MultipartForm() {
    }

    static List<Part> parse(String contentType, byte[] body) {
        Matcher boundary = BOUNDARY.matcher(contentType);
        if (!contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data") || !boundary.find()) {
            throw new IllegalArgumentException("not multipart/form-data: " + contentType);
        }
        byte[] delimiter = ("\r\n--" + boundary.group(1)).getBytes(StandardCharsets.ISO_8859_1);
        byte[] data = concat("\r\n".getBytes(StandardCharsets.ISO_8859_1), body);
        List<Part> parts = new ArrayList<>();
        int at = indexOf(data, delimiter, 0);
        while (at >= 0) {
            int afterDelimiter = at + delimiter.length;
            if (data[afterDelimiter] == '-' && data[afterDelimiter + 1] == '-') {
                return parts;
            }
            int start = afterDelimiter + 2; // the CRLF ending the delimiter line
            int end = indexOf(data, delimiter, start);
            if (end < 0) {
                throw new IllegalArgumentException("no closing delimiter");
            }
            parts.add(part(Arrays.copyOfRange(data, start, end)));
            at = end;
        }
        throw new IllegalArgumentException("no delimiter");
    }

    private static Part part(byte[] bytes) {
        int split = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : new String(bytes, 0, split, StandardCharsets.UTF_8).split("\r\n")) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String disposition = headers.getOrDefault("content-disposition", "");
        Matcher name = NAME.matcher(disposition);
        Matcher filename = FILENAME.matcher(disposition);
        return new Part(name.find() ? name.group(1) : null, filename.find() ? filename.group(1) : null,
                headers.get("content-type"), Arrays.copyOfRange(bytes, split + 4, bytes.length));
    }

    private static int indexOf(byte[] data, byte[] wanted, int from) {
        outer:
        for (int i = from; i <= data.length - wanted.length; i++) {
            for (int j = 0; j < wanted.length; j++) {
                if (data[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
