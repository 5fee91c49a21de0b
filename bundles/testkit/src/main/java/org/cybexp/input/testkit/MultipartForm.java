package org.cybexp.input.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.testkit.LoopbackRawApi.Part;
import org.cybexp.input.testkit.LoopbackRawApi.Post;


/**
 * Parses a multipart/form-data body (RFC 7578) byte-exactly: parts in order, each with its name, file name,
 * content type and the exact bytes between its header block and the next delimiter.
 */
final class MultipartForm {

    private static final Pattern BOUNDARY = Pattern.compile("boundary=(?:\"([^\"]+)\"|([^\";\\s]+))");
    private static final Pattern NAME = Pattern.compile("(?:^|[;\\s])name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

    private MultipartForm() {
    }

    /** The form, or null if the content type or the body is not well-formed multipart/form-data. */
    static Post parse(String authorization, String contentType, byte[] body) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return null;
        }
        Matcher boundary = BOUNDARY.matcher(contentType);
        if (!boundary.find()) {
            return null;
        }
        String token = boundary.group(1) != null ? boundary.group(1) : boundary.group(2);
        byte[] delimiter = ("\r\n--" + token).getBytes(StandardCharsets.ISO_8859_1);
        // a CRLF in front lets the first delimiter, at the very start of the body, be found like the others
        byte[] data = concat(CRLF, body);
        List<Part> parts = new ArrayList<>();
        int at = indexOf(data, delimiter, 0);
        while (at >= 0) {
            int after = at + delimiter.length;
            if (after + 2 > data.length) {
                return null;
            }
            if (data[after] == '-' && data[after + 1] == '-') {
                return parts.isEmpty() ? null : new Post(authorization, contentType, parts);
            }
            if (data[after] != '\r' || data[after + 1] != '\n') {
                return null;
            }
            int start = after + 2;
            int end = indexOf(data, delimiter, start);
            if (end < 0) {
                return null; // no closing delimiter: a body cut short
            }
            Part part = part(Arrays.copyOfRange(data, start, end));
            if (part == null) {
                return null;
            }
            parts.add(part);
            at = end;
        }
        return null;
    }

    private static Part part(byte[] bytes) {
        int split = indexOf(bytes, HEAD_END, 0);
        if (split < 0) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : new String(bytes, 0, split, StandardCharsets.UTF_8).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        String disposition = headers.getOrDefault("content-disposition", "");
        if (!disposition.toLowerCase(Locale.ROOT).startsWith("form-data")) {
            return null;
        }
        Matcher name = NAME.matcher(disposition);
        Matcher filename = FILENAME.matcher(disposition);
        return new Part(name.find() ? name.group(1) : null, filename.find() ? filename.group(1) : null,
                headers.get("content-type"), Arrays.copyOfRange(bytes, split + HEAD_END.length, bytes.length));
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
