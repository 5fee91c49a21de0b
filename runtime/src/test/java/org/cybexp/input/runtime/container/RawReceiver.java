package org.cybexp.input.runtime.container;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A CYBEX-P {@code /raw} endpoint on loopback: parses each multipart POST as the API does, checks the bearer
 * token, answers 201 and records the posts it accepted; the posts a test asks it to {@link #refuse} get a 400.
 */
public final class RawReceiver implements AutoCloseable {

    /** One accepted post: its text parts in order, and the file part's bytes. */
    public record Post(List<String> partNames, Map<String, String> fields, byte[] file) {
        public String fileText() {
            return new String(file, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final String token;
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final List<Post> refusedPosts = new CopyOnWriteArrayList<>();
    private volatile Predicate<Post> refusing = post -> false;

    public RawReceiver(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1.0/raw", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1.0/raw";
    }

    public List<Post> posts() {
        return List.copyOf(posts);
    }

    /**
     * From now on refuses the posts that match for good, as the API refuses a bad field: 400 "Invalid input".
     *
     * @param which the posts to refuse, or null to accept every well-formed post again
     */
    public void refuse(Predicate<Post> which) {
        refusing = which == null ? post -> false : which;
    }

    /** The posts answered 400 by {@link #refuse}, in order. */
    public List<Post> refusedPosts() {
        return List.copyOf(refusedPosts);
    }

    /** Every line of every accepted file, in order. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        posts.forEach(p -> p.fileText().lines().forEach(out::add));
        return out;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.equals("Bearer " + token)) {
                answer(exchange, 401, "{\"message\": \"Invalid/missing token in auth header!\"}");
                return;
            }
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            Post post = parse(type, exchange.getRequestBody());
            if (post == null || !post.fields.keySet().containsAll(List.of("name", "orgid", "typetag"))) {
                answer(exchange, 400, "{\"message\": \"Invalid input\"}");
                return;
            }
            if (refusing.test(post)) {
                refusedPosts.add(post);
                answer(exchange, 400, "{\"message\": \"Invalid input: typetag\"}");
                return;
            }
            posts.add(post);
            answer(exchange, 201, "{\"message\": \"File uploaded successfully!\"}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** A minimal multipart/form-data parser: enough to check names, order and bytes. */
    static Post parse(String contentType, InputStream in) throws IOException {
        if (contentType == null || !contentType.startsWith("multipart/form-data")) {
            return null;
        }
        String boundary = "--" + contentType.substring(contentType.indexOf("boundary=") + 9).replace("\"", "");
        byte[] body = in.readAllBytes();
        String text = new String(body, StandardCharsets.ISO_8859_1); // byte-preserving
        List<String> names = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        byte[] file = null;
        int at = text.indexOf(boundary);
        while (at >= 0) {
            int headStart = at + boundary.length() + 2;
            if (text.startsWith("--", at + boundary.length())) {
                break;
            }
            int headEnd = text.indexOf("\r\n\r\n", headStart);
            int next = text.indexOf("\r\n" + boundary, headEnd);
            String head = text.substring(headStart, headEnd);
            String name = head.replaceAll("(?s).*name=\"([^\"]*)\".*", "$1");
            String value = text.substring(headEnd + 4, next);
            names.add(name);
            if (name.equals("file")) {
                file = value.getBytes(StandardCharsets.ISO_8859_1);
            } else {
                fields.put(name, new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            }
            at = next + 2;
        }
        return file == null ? null : new Post(names, fields, file);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
