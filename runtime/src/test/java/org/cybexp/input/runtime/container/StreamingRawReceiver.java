package org.cybexp.input.runtime.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A CYBEX-P {@code /raw} for bodies of gigabytes: reads each multipart POST as a stream, digests the {@code file}
 * part (the last) as it arrives and keeps only its length and SHA-256, so the test JVM's heap stays small too.
 * While {@link #down} it answers 503 without reading the body.
 */
final class StreamingRawReceiver implements AutoCloseable {

    /** One accepted post: its text fields as sent before the file, the file's length and SHA-256. */
    record Received(String fields, long length, String sha256, long contentLength) {
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
    private static final byte[] FILE_PART = "name=\"file\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEADERS_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final String token;
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    StreamingRawReceiver(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/raw";
    }

    void down(boolean isDown) {
        down = isDown;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (down) {
                answer(exchange, 503, "{\"message\":\"down for the test\"}");
                return;
            }
            if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer(exchange, 401, "{\"message\":\"Invalid/missing token in auth header!\"}");
                return;
            }
            Matcher m = BOUNDARY.matcher(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
            if (!m.find()) {
                answer(exchange, 400, "{\"message\":\"no boundary\"}");
                return;
            }
            long contentLength = Long.parseLong(Objects.requireNonNullElse(exchange.getRequestHeaders()
                    .getFirst("Content-Length"), "-1"));
            Received file = read(exchange.getRequestBody(), ("\r\n--" + m.group(1))
                    .getBytes(StandardCharsets.US_ASCII), contentLength);
            if (file == null) {
                answer(exchange, 400, "{\"message\":\"Invalid or missing file!\"}");
                return;
            }
            received.add(file);
            answer(exchange, 201, "{\"message\":\"File uploaded successfully!\"}");
        }
    }

    /** Reads up to the file part's headers into memory (small), then digests the file up to the closing delimiter. */
    private static Received read(InputStream in, byte[] delimiter, long contentLength) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        int bodyStart = -1;
        while (bodyStart < 0) {
            int n = in.read(chunk);
            if (n < 0 || head.size() > 1 << 20) {
                return null;
            }
            head.write(chunk, 0, n);
            byte[] sofar = head.toByteArray();
            int part = indexOf(sofar, FILE_PART, 0, sofar.length);
            int end = part < 0 ? -1 : indexOf(sofar, HEADERS_END, part, sofar.length);
            bodyStart = end < 0 ? -1 : end + HEADERS_END.length;
        }
        byte[] sofar = head.toByteArray();
        MessageDigest digest = sha256();
        long length = 0;
        // hold back enough bytes to find the closing delimiter once the stream ends
        int hold = delimiter.length + 8;
        byte[] pending = new byte[hold + chunk.length];
        int filled = sofar.length - bodyStart;
        if (filled > pending.length) {
            pending = Arrays.copyOf(pending, filled + chunk.length);
        }
        System.arraycopy(sofar, bodyStart, pending, 0, filled);
        while (true) {
            if (filled > hold) {
                int out = filled - hold;
                digest.update(pending, 0, out);
                length += out;
                System.arraycopy(pending, out, pending, 0, hold);
                filled = hold;
            }
            int n = in.read(pending, filled, pending.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        int close = lastIndexOf(pending, delimiter, filled);
        if (close < 0) {
            return null;
        }
        digest.update(pending, 0, close);
        length += close;
        String fields = new String(sofar, 0, bodyStart, StandardCharsets.UTF_8);
        return new Received(fields, length, HexFormat.of().formatHex(digest.digest()), contentLength);
    }

    private static int indexOf(byte[] in, byte[] wanted, int from, int to) {
        outer:
        for (int i = from; i + wanted.length <= to; i++) {
            for (int j = 0; j < wanted.length; j++) {
                if (in[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int lastIndexOf(byte[] in, byte[] wanted, int to) {
        for (int i = to - wanted.length; i >= 0; i--) {
            if (indexOf(in, wanted, i, i + wanted.length) == i) {
                return i;
            }
        }
        return -1;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
