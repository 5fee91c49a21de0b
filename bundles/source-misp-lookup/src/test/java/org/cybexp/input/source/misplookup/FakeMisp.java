package org.cybexp.input.source.misplookup;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A MISP server on 127.0.0.1 answering {@code POST /attributes/restSearch} in MISP's shapes: a page as
 * {@code {"response": {"Attribute": [...]}}} (each attribute with its brief {@code Event}), past the last page
 * {@code {"response": []}}, 403 with MISP's error body for a wrong key. Attributes are scripted per value.
 */
final class FakeMisp implements AutoCloseable {

    static final String PATH = "/attributes/restSearch";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORBIDDEN = "{\"name\": \"Authentication failed. Please make sure you pass the API "
            + "key of an API enabled user along in the Authorization header.\", \"message\": \"Authentication "
            + "failed. Please make sure you pass the API key of an API enabled user along in the Authorization "
            + "header.\", \"url\": \"/attributes/restSearch\"}";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final String apiKey;
    private final Map<String, List<ObjectNode>> attributes = new HashMap<>();
    private final List<JsonNode> requests = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private int maxInFlight;
    private Set<String> failing = Set.of();
    private Set<String> limited = Set.of();
    private String retryAfter = "";
    private long latencyMillis;
    private int nextId = 1;

    FakeMisp(String apiKey) throws IOException {
        this.apiKey = apiKey;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Adds an attribute of this value and type to the event with this uuid. */
    synchronized FakeMisp attribute(String value, String type, String eventUuid, String info) {
        int id = nextId++;
        ObjectNode attribute = JSON.createObjectNode();
        attribute.put("id", Integer.toString(id));
        attribute.put("event_id", Integer.toString(Math.abs(eventUuid.hashCode() % 1000)));
        attribute.put("object_id", "0");
        attribute.putNull("object_relation");
        attribute.put("category", "Network activity");
        attribute.put("type", type);
        attribute.put("to_ids", true);
        attribute.put("uuid", String.format("542e4cbd-ee78-4a57-bfb8-%012d", id));
        attribute.put("timestamp", Long.toString(1412320445L + id));
        attribute.put("distribution", "5");
        attribute.put("comment", "");
        attribute.put("deleted", false);
        attribute.put("value", value);
        ObjectNode event = attribute.putObject("Event");
        event.put("org_id", "1");
        event.put("distribution", "3");
        event.put("id", attribute.get("event_id").asText());
        event.put("info", info);
        event.put("orgc_id", "2");
        event.put("uuid", eventUuid);
        attributes.computeIfAbsent(value, v -> new ArrayList<>()).add(attribute);
        return this;
    }

    /** Values answered with a 500 until cleared. */
    synchronized FakeMisp failFor(Set<String> values) {
        failing = Set.copyOf(values);
        return this;
    }

    /** Values answered with MISP's 429 and this Retry-After. */
    synchronized FakeMisp tooManyRequestsFor(Set<String> values, String retryAfterSeconds) {
        limited = Set.copyOf(values);
        retryAfter = retryAfterSeconds;
        return this;
    }

    synchronized FakeMisp latency(long millis) {
        latencyMillis = millis;
        return this;
    }

    synchronized List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    /** The values asked for, in order of arrival, one entry per page asked. */
    synchronized List<String> valuesAsked() {
        return requests.stream().map(r -> r.path("value").asText()).toList();
    }

    synchronized int maxInFlight() {
        return maxInFlight;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int now = inFlight.incrementAndGet();
            long delay;
            synchronized (this) {
                maxInFlight = Math.max(maxInFlight, now);
                delay = latencyMillis;
            }
            try {
                if (delay > 0) {
                    Thread.sleep(delay); // a slow server, not a wait for a condition
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                send(exchange, 404, "text/html", "<html>not found</html>");
            } else if (!apiKey.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 403, "application/json", FORBIDDEN);
            } else if (!"application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                send(exchange, 500, "text/html", "<html>MISP ignores a body without its Content-Type</html>");
            } else {
                JsonNode request = JSON.readTree(body);
                synchronized (this) {
                    requests.add(request);
                }
                answer(exchange, request);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void answer(HttpExchange exchange, JsonNode request) throws IOException {
        String value = request.path("value").asText();
        List<ObjectNode> matching;
        synchronized (this) {
            if (failing.contains(value)) {
                send(exchange, 500, "text/html", "<html>Internal error</html>");
                return;
            }
            if (limited.contains(value)) {
                exchange.getResponseHeaders().set("Retry-After", retryAfter);
                send(exchange, 429, "application/json", "{\"name\": \"Too many requests\", \"message\": "
                        + "\"Rate limit exceeded.\", \"url\": \"/attributes/restSearch\"}");
                return;
            }
            matching = new ArrayList<>(attributes.getOrDefault(value, List.of()));
        }
        JsonNode type = request.path("type");
        if (!type.isMissingNode()) {
            List<String> types = new ArrayList<>();
            if (type.isArray()) {
                type.forEach(t -> types.add(t.asText()));
            } else {
                types.add(type.asText());
            }
            matching.removeIf(a -> !types.contains(a.path("type").asText()));
        }
        int page = request.path("page").asInt(1);
        int limit = request.path("limit").asInt(matching.size());
        int from = (page - 1) * limit;
        if (from >= matching.size()) {
            send(exchange, 200, "application/json", "{\"response\": []}");
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putObject("response").putArray("Attribute");
        matching.subList(from, Math.min(matching.size(), from + limit)).forEach(list::add);
        send(exchange, 200, "application/json", root.toPrettyString());
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
