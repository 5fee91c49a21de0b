package org.cybexp.input.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sends one command to the daemon's control endpoint and returns its answer. */
final class DaemonClient {

    /** The raw answer line and its parsed form. */
    record Answer(String line, Map<String, Object> body) {
        boolean ok() {
            return Boolean.TRUE.equals(body.get("ok"));
        }

        String error() {
            Object error = body.get("error");
            return error == null ? "the daemon gave no reason" : error.toString();
        }

        @SuppressWarnings("unchecked")
        List<Object> list(String key) {
            Object value = body.get(key);
            return value instanceof List<?> ? (List<Object>) value : List.of();
        }
    }

    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final Endpoint endpoint;

    DaemonClient(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    Answer send(String command, List<String> plugins, List<String> names, boolean immediate, Duration timeout)
            throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("plugins", plugins);
        fields.put("names", names);
        fields.put("immediate", immediate);
        return send(command, fields, timeout);
    }

    /** Sends the command with these fields besides the nonce and the command name. */
    Answer send(String command, Map<String, Object> fields, Duration timeout) throws IOException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("nonce", endpoint.nonce());
        request.put("command", command);
        request.putAll(fields);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), CONNECT_TIMEOUT_MS);
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (line == null) {
                throw new IOException("the daemon closed the connection without answering");
            }
            Object parsed;
            try {
                parsed = Json.parse(line);
            } catch (IllegalArgumentException e) {
                throw new IOException("the daemon's answer is not JSON: " + e.getMessage(), e);
            }
            if (!(parsed instanceof Map<?, ?>)) {
                throw new IOException("the daemon's answer is not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> body = (Map<String, Object>) parsed;
            return new Answer(line, body);
        }
    }

    Answer status() throws IOException {
        return send("status", List.of(), List.of(), false, Duration.ofSeconds(15));
    }
}
