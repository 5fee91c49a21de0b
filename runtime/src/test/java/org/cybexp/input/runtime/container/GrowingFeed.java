package org.cybexp.input.runtime.container;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OpenPhish {@code feed.txt} on loopback that grows with every request: each one adds {@code perRequest} new
 * unique URLs and serves the newest {@code window} of them, as the real feed shows recent URLs only. The window
 * is several requests deep, so URLs served to a fetch that a crash lost are still there for the next one. Keeps
 * the set of every URL it served.
 */
final class GrowingFeed implements AutoCloseable {

    private final HttpServer server;
    private final int perRequest;
    private final int window;
    private long next; // guarded by this: the number of URLs published so far
    private boolean growing = true;
    private long requests;

    GrowingFeed(int perRequest, int window) throws IOException {
        this.perRequest = perRequest;
        this.window = window;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/feed.txt", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/feed.txt";
    }

    /** From now on serves the same list: nothing new any more. */
    synchronized void stopGrowing() {
        growing = false;
    }

    synchronized long requests() {
        return requests;
    }

    /** Every URL served so far. */
    synchronized Set<String> served() {
        Set<String> urls = new HashSet<>();
        for (long n = 0; n < next; n++) {
            urls.add(url(n));
        }
        return urls;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = nextVersion().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private synchronized String nextVersion() {
        requests++;
        if (growing) {
            next += perRequest;
        }
        StringBuilder feed = new StringBuilder();
        for (long n = Math.max(0, next - window); n < next; n++) {
            feed.append(url(n)).append('\n');
        }
        return feed.toString();
    }

    private static String url(long n) {
        return "https://login-" + n + ".crash-it.example/account/verify.php?id=" + n;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
