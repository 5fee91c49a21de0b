package org.cybexp.input.runtime.container;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** Serves a feed on loopback with an ETag, so tests can switch what the feed holds and count the fetches. */
final class FeedServer implements AutoCloseable {

    private final HttpServer server;
    private final AtomicReference<byte[]> body = new AtomicReference<>(new byte[0]);
    private final AtomicReference<String> contentType = new AtomicReference<>("text/plain; charset=utf-8");
    private final AtomicInteger requests = new AtomicInteger();

    FeedServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle); // any path: a URL may carry a key, as PhishTank's does
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/feed.txt";
    }

    void serve(byte[] feed) {
        serve(feed, "text/plain; charset=utf-8");
    }

    void serve(byte[] feed, String mediaType) {
        contentType.set(mediaType);
        body.set(feed.clone());
    }

    /** The base URL: add any path. */
    String root() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            byte[] feed = body.get();
            String etag = "\"" + Integer.toHexString(java.util.Arrays.hashCode(feed)) + "\"";
            exchange.getResponseHeaders().set("ETag", etag);
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", contentType.get());
            exchange.sendResponseHeaders(200, feed.length);
            exchange.getResponseBody().write(feed);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
