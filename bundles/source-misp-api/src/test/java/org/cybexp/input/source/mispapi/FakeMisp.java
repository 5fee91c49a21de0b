package org.cybexp.input.source.mispapi;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.cybexp.input.source.misp.MispFixtures;

/**
 * A MISP server on 127.0.0.1 speaking restSearch's wire format: {@code POST /events/restSearch} with the raw
 * key in {@code Authorization} (else 403 with MISP's error body), JSON request bodies, answers scripted per
 * request (by default MISP's sample pages, {@code X-Result-Count} set as MISP does). Records every request.
 */
final class FakeMisp implements AutoCloseable {

    static final String PATH = "/events/restSearch";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received: lower-case header names, the body as text and parsed. */
    record Request(String method, String path, Map<String, String> headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("the request body is not JSON: " + body, e);
            }
        }

        int page() {
            return json().path("page").asInt();
        }
    }

    /** One answer. */
    record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Reply json(byte[] body) {
            return new Reply(200, "application/json; charset=UTF-8", body, Map.of());
        }

        static Reply fixture(String name) {
            return json(MispFixtures.bytes(name));
        }

        static Reply empty() {
            return json("{\"response\": []}".getBytes(StandardCharsets.UTF_8));
        }

        Reply header(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Reply(status, contentType, body, copy);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final String apiKey;
    private final List<Request> requests = new ArrayList<>();
    private Function<Request, Reply> script = request -> Reply.empty();

    private FakeMisp(String apiKey) throws IOException {
        this.apiKey = apiKey;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static FakeMisp start(String apiKey) throws IOException {
        return new FakeMisp(apiKey);
    }

    /** The server's base URL, as a user configures it. */
    URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    synchronized FakeMisp answer(Function<Request, Reply> answers) {
        this.script = answers;
        return this;
    }

    /** Answers page n with the n-th fixture ({@code X-Result-Count: total}), later pages with an empty list. */
    FakeMisp pages(int total, String... fixtures) {
        return answer(request -> {
            int page = request.page();
            return page >= 1 && page <= fixtures.length
                    ? Reply.fixture(fixtures[page - 1]).header("X-Result-Count", Integer.toString(total))
                    : Reply.empty().header("X-Result-Count", Integer.toString(total));
        });
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    synchronized Request lastRequest() {
        return requests.get(requests.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                    String.join(",", values)));
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Function<Request, Reply> answers;
            synchronized (this) {
                requests.add(request);
                answers = script;
            }
            Reply reply;
            if (!PATH.equals(request.path())) {
                byte[] page = "<html>not found</html>".getBytes(StandardCharsets.UTF_8);
                reply = new Reply(404, "text/html", page, Map.of());
            } else if (!apiKey.equals(request.headers().get("authorization"))) {
                reply = new Reply(403, "application/json", MispFixtures.bytes("errors/403-auth.json"), Map.of());
            } else {
                reply = answers.apply(request);
            }
            send(exchange, reply);
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        reply.headers().forEach(exchange.getResponseHeaders()::set);
        // Chunked, as MISP streams big exports: a dropped connection then looks like a short document.
        exchange.sendResponseHeaders(reply.status(), 0);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(reply.body());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
