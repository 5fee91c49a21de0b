package org.cybexp.input.source.http;

import org.cybexp.input.testkit.RealData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An API on 127.0.0.1 whose answers a test scripts per path, from the request (query, body, headers): pages,
 * Link and rate-limit headers, 401, 429 and 500. Records every request.
 */
final class FakeApi implements AutoCloseable {

    /**
     * The real answers of the APIs (see SOURCES.md there), from the project's shared/ folder beside the checkout
     * (found by the test kit's RealData: {@code -Dcybexp.real=...}, else shared/real in a parent folder). They
     * are not copied into the repository: they are other people's data under their own licences.
     */
    static final Path BODIES = RealData.folder("httpapi/mock-bodies");

    record Request(String method, String path, String query, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    record Answer(int status, String type, byte[] body, Map<String, String> headers) {
        static Answer json(String body) {
            return new Answer(200, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Answer status(int status, Map<String, String> headers) {
            return new Answer(status, "application/json", new byte[0], headers);
        }

        Answer with(Map<String, String> more) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.putAll(more);
            return new Answer(status, type, body, all);
        }
    }

    private final HttpServer server;
    private final Map<String, Function<Request, Answer>> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    static String body(String file) throws IOException {
        return Files.readString(BODIES.resolve(file));
    }

    /** A real body, for a route (which cannot throw). */
    static String body0(String file) {
        try {
            return body(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    FakeApi route(String path, Function<Request, Answer> answer) {
        routes.put(path, answer);
        return this;
    }

    synchronized List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                    values.get(0)));
            URI uri = exchange.getRequestURI();
            Request request = new Request(exchange.getRequestMethod(), uri.getRawPath(),
                    uri.getRawQuery() == null ? "" : uri.getRawQuery(), headers,
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
            synchronized (this) {
                requests.add(request);
            }
            Function<Request, Answer> route = routes.get(request.path());
            Answer answer = route == null ? Answer.status(404, Map.of()) : route.apply(request);
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.getResponseHeaders().set("Content-Type", answer.type());
            exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
            if (answer.body().length > 0) {
                exchange.getResponseBody().write(answer.body());
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
