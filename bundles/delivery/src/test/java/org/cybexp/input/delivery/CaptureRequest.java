package org.cybexp.input.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.cybexp.input.api.Secret;
import org.cybexp.input.delivery.sink.ApiEndpoint;
import org.cybexp.input.delivery.sink.ApiSink;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.StoredEvent;

/**
 * Writes down the exact request the {@link ApiSink} sends for one benchmark record (as {@link DrainBenchmark}
 * stores them), so that wrk can send the very same request to nginx: the limit of the drain is then measured
 * with the same bytes. The request is caught by a one-shot loopback socket that answers 201. Not a test: run by
 * {@code bench/delivery/drain.sh}.
 *
 * <p>Arguments: {@code HEADERS_FILE BODY_FILE TOKEN}; the headers file gets one {@code name: value} per line
 * (without Host, Content-Length and Connection, which wrk sets itself), the body file the body's bytes.
 */
public final class CaptureRequest {

    private CaptureRequest() {
    }

    public static void main(String[] args) throws Exception {
        Path headersFile = Path.of(args[0]);
        Path bodyFile = Path.of(args[1]);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/api/v1.0/raw";
            Thread post = new Thread(() -> {
                try (ApiSink sink = ApiSink.create(new ApiEndpoint(URI.create(url), Secret.of(args[2]),
                        Duration.ofSeconds(10), 1, true, null), Clock.systemUTC())) {
                    sink.deliver(new StoredEvent(1, EventRecord.of("bench-0", "org1", "phishtank", "UTC",
                            "application/json", DrainBenchmark.body(0))));
                } catch (IOException | java.security.GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            });
            post.start();
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                List<String> headers = new ArrayList<>();
                long length = 0;
                String line = readLine(in); // the request line
                while (!(line = readLine(in)).isEmpty()) {
                    String name = line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                    if (name.equals("content-length")) {
                        length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    } else if (!name.equals("host") && !name.equals("connection")) {
                        headers.add(line);
                    }
                }
                byte[] body = in.readNBytes((int) length);
                socket.getOutputStream().write(("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                Files.write(headersFile, headers, StandardCharsets.UTF_8);
                Files.write(bodyFile, body);
            }
            post.join();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
