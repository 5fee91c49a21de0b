package org.cybexp.input.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for CYBEX-P {@code /raw} on 127.0.0.1: records every request (headers and parsed parts) and answers
 * with scripted fixture bodies, then 201 once the script is used up.
 */
final class CybexApiReceiver implements AutoCloseable {

    /** One request as received. */
    record Request(String authorization, String contentType, List<MultipartForm.Part> parts) {
        MultipartForm.Part part(String name) {
            return parts.stream().filter(p -> name.equals(p.name())).findFirst().orElseThrow();
        }

        List<String> partNames() {
            return parts.stream().map(MultipartForm.Part::name).toList();
        }
    }

    private record Answer(int status, String body, String retryAfter) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch hold = new CountDownLatch(0);

    CybexApiReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1.0/raw", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1.0/raw";
    }

    /** Queues an answer with a fixture body from {@code src/test/resources/cybex-api/}. */
    CybexApiReceiver thenAnswer(int status, String fixture) {
        script.add(new Answer(status, fixture(fixture), null));
        return this;
    }

    /** Queues an answer with a fixture body and a {@code Retry-After} header. */
    CybexApiReceiver thenAnswerRetryAfter(int status, String fixture, String retryAfter) {
        script.add(new Answer(status, fixture(fixture), retryAfter));
        return this;
    }

    /** Queues an answer with a literal body. */
    CybexApiReceiver thenAnswerBody(int status, String body) {
        script.add(new Answer(status, body, null));
        return this;
    }

    /** Every answer waits until {@code release} is counted down (at most 10 s). */
    void holdAnswersUntil(CountDownLatch release) {
        hold = release;
    }

    List<Request> requests() {
        return requests;
    }

    /** The text of every received {@code file} part, in order of arrival. */
    List<String> files() {
        return requests.stream().map(r -> r.part("file").text()).toList();
    }

    static String fixture(String name) {
        try (InputStream in = CybexApiReceiver.class.getResourceAsStream("/cybex-api/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            requests.add(new Request(exchange.getRequestHeaders().getFirst("Authorization"), contentType,
                    MultipartForm.parse(contentType, body)));
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Answer answer = script.poll();
            if (answer == null) {
                answer = new Answer(201, fixture("201-created.json"), null);
            }
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
            }
            exchange.sendResponseHeaders(answer.status(), out.length);
            exchange.getResponseBody().write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
