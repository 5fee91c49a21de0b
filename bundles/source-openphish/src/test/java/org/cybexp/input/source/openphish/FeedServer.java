package org.cybexp.input.source.openphish;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A feed server on 127.0.0.1 with a free port, serving {@code /feed.txt}. Each {@link #serve} publishes a new
 * version with a new ETag (as OpenPhish regenerates its file), answered 304 when the client sends it back.
 * It can also cut a body short or stop in the middle of one, to test broken transfers.
 */
final class FeedServer implements AutoCloseable {

    private final HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch hanging = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger notModified = new AtomicInteger();
    private volatile byte[] body = new byte[0];
    private volatile String contentType = "text/plain; charset=utf-8";
    private volatile String etag = "\"v0\"";
    private volatile int version;
    /** Bytes actually sent of a body whose full length is announced; -1 sends it all. */
    private volatile int cutAfter = -1;
    /** Bytes sent before the answer stops without ending (chunked); -1 never hangs. */
    private volatile int hangAfter = -1;

    FeedServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/feed.txt", this::answer);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/feed.txt");
    }

    /** Publishes a new version of the feed. */
    synchronized FeedServer serve(byte[] content, String type) {
        body = content.clone();
        contentType = type;
        etag = "\"v" + (++version) + "\"";
        cutAfter = -1;
        hangAfter = -1;
        return this;
    }

    FeedServer serve(byte[] content) {
        return serve(content, "text/plain; charset=utf-8");
    }

    /** Announces the whole body but closes the connection after {@code bytes} of it. */
    FeedServer cutAfter(int bytes) {
        cutAfter = bytes;
        return this;
    }

    /** Sends {@code bytes} of the body, then neither sends more nor closes until the server is closed. */
    FeedServer hangAfter(int bytes) {
        hangAfter = bytes;
        return this;
    }

    boolean awaitHanging(long seconds) throws InterruptedException {
        return hanging.await(seconds, TimeUnit.SECONDS);
    }

    int requests() {
        return requests.get();
    }

    int notModifiedAnswers() {
        return notModified.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            exchange.getResponseHeaders().set("ETag", etag);
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                notModified.incrementAndGet();
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", contentType);
            byte[] content = body;
            if (hangAfter >= 0) {
                hang(exchange, content);
                return;
            }
            exchange.sendResponseHeaders(200, content.length == 0 ? -1 : content.length);
            OutputStream out = exchange.getResponseBody();
            out.write(content, 0, cutAfter < 0 ? content.length : Math.min(cutAfter, content.length));
            out.flush();
        } catch (IOException e) {
            // Expected when a body is cut short on purpose: closing the exchange then drops the connection.
        }
    }

    private void hang(HttpExchange exchange, byte[] content) throws IOException {
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write(content, 0, Math.min(hangAfter, content.length));
        out.flush();
        hanging.countDown();
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
