package org.cybexp.input.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP server on 127.0.0.1 with a free port that serves feeds the way real feed servers do, for plugin tests:
 * every {@link Feed#serve} publishes a new version with a new {@code ETag} and {@code Last-Modified}, answered
 * {@code 304} when the client sends the validator back. A feed can also answer an error status with
 * {@code Retry-After}, redirect, cut its body short or hang in the middle of it. Every request is recorded.
 *
 * <pre>{@code
 * try (LoopbackFeedServer server = LoopbackFeedServer.start()) {
 *     LoopbackFeedServer.Feed feed = server.feed("/feed.txt").serve("https://a.example/\n", "text/plain");
 *     ... configure the input with feed.uri() ...
 *     assertEquals(1, feed.notModifiedAnswers());
 * }
 * }</pre>
 *
 * A feed is found by path and query ({@code /events?page=2}) first, then by path alone; other paths get 404.
 *
 * @since 1.0
 */
public final class LoopbackFeedServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Feed> feeds = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);

    private LoopbackFeedServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a server on 127.0.0.1 and a free port. */
    public static LoopbackFeedServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Several threads: a hanging answer must not block the next request.
        ExecutorService executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "testkit-feed-server");
            thread.setDaemon(true);
            return thread;
        });
        LoopbackFeedServer feedServer = new LoopbackFeedServer(server, executor);
        server.createContext("/", feedServer::answer);
        server.setExecutor(executor);
        server.start();
        return feedServer;
    }

    /** The server's base URI, e.g. {@code http://127.0.0.1:41234}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The feed at a path (with an optional query), created empty ({@code 200}, no body) on first use. */
    public Feed feed(String pathAndQuery) {
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("a feed path starts with /: " + pathAndQuery);
        }
        return feeds.computeIfAbsent(pathAndQuery, Feed::new);
    }

    private void answer(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        Feed feed = uri.getRawQuery() == null ? null : feeds.get(uri.getRawPath() + "?" + uri.getRawQuery());
        feed = feed != null ? feed : feeds.get(uri.getRawPath());
        try (exchange) {
            if (feed == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            feed.answer(exchange);
        } catch (IOException e) {
            // Expected when a body is cut short on purpose, or the client went away.
        }
    }

    /** Stops the server; hanging answers are released and dropped. */
    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /** One request as the server received it. */
    public record Request(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {

        /** The first value of a header; names are case-insensitive. */
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        /** The body as UTF-8 text. */
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** One feed of the server: its current version and how it answers. Thread-safe. */
    public final class Feed {

        private static final ZonedDateTime EPOCH = ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

        private final String pathAndQuery;
        private final List<Request> requests = new ArrayList<>();
        private final AtomicInteger notModified = new AtomicInteger();
        private final CountDownLatch hanging = new CountDownLatch(1);
        private byte[] body = new byte[0];
        private String contentType = "application/octet-stream";
        private int version;
        private boolean etag = true;
        private boolean lastModified = true;
        private int failStatus;
        private String retryAfter;
        private String location;
        private int cutAfter = -1;
        private int hangAfter = -1;

        private Feed(String pathAndQuery) {
            this.pathAndQuery = pathAndQuery;
        }

        /** The URI a plugin fetches this feed from. */
        public URI uri() {
            return baseUri().resolve(pathAndQuery);
        }

        /** Publishes a new version (new validators) and answers it normally from now on. */
        public synchronized Feed serve(byte[] content, String type) {
            body = content.clone();
            contentType = type;
            version++;
            failStatus = 0;
            location = null;
            cutAfter = -1;
            hangAfter = -1;
            return this;
        }

        /** Publishes a new version of UTF-8 text; {@code type} without charset gets {@code ; charset=utf-8}. */
        public Feed serve(String text, String type) {
            return serve(text.getBytes(StandardCharsets.UTF_8), type.contains(";") ? type : type + "; charset=utf-8");
        }

        /** Whether answers carry an {@code ETag} and a {@code Last-Modified} header (both by default). */
        public synchronized Feed validators(boolean withEtag, boolean withLastModified) {
            etag = withEtag;
            lastModified = withLastModified;
            return this;
        }

        /** Answers {@code status} (e.g. 429, 503, 401) until the next {@link #serve}; the Retry-After may be null. */
        public synchronized Feed failWith(int status, String retryAfterValue) {
            failStatus = status;
            retryAfter = retryAfterValue;
            return this;
        }

        /** Answers {@code 302} to another path of this server until the next {@link #serve}. */
        public synchronized Feed redirectTo(String otherPath) {
            location = otherPath;
            return this;
        }

        /** Announces the whole body but closes the connection after {@code bytes} of it. */
        public synchronized Feed cutAfter(int bytes) {
            cutAfter = bytes;
            return this;
        }

        /** Sends {@code bytes} of the body, then neither sends more nor closes until the server is closed. */
        public synchronized Feed hangAfter(int bytes) {
            hangAfter = bytes;
            return this;
        }

        /** Waits until an answer hangs (see {@link #hangAfter}); false on timeout. */
        public boolean awaitHanging(Duration timeout) throws InterruptedException {
            return hanging.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The number of requests received. */
        public synchronized int requests() {
            return requests.size();
        }

        /** The requests received, oldest first. */
        public synchronized List<Request> requestLog() {
            return List.copyOf(requests);
        }

        /** The last request received. */
        public synchronized Optional<Request> lastRequest() {
            return requests.isEmpty() ? Optional.empty() : Optional.of(requests.get(requests.size() - 1));
        }

        /** The number of {@code 304} answers given. */
        public int notModifiedAnswers() {
            return notModified.get();
        }

        private String etagValue() {
            return "\"v" + version + "\"";
        }

        private String lastModifiedValue() {
            return DateTimeFormatter.RFC_1123_DATE_TIME.format(EPOCH.plusHours(version));
        }

        private void answer(HttpExchange exchange) throws IOException {
            Request request = record(exchange);
            byte[] content;
            String type;
            int cut;
            int hang;
            synchronized (this) {
                requests.add(request);
                if (location != null) {
                    exchange.getResponseHeaders().set("Location", location);
                    exchange.sendResponseHeaders(302, -1);
                    return;
                }
                if (failStatus != 0) {
                    if (retryAfter != null) {
                        exchange.getResponseHeaders().set("Retry-After", retryAfter);
                    }
                    exchange.sendResponseHeaders(failStatus, -1);
                    return;
                }
                if (etag) {
                    exchange.getResponseHeaders().set("ETag", etagValue());
                }
                if (lastModified) {
                    exchange.getResponseHeaders().set("Last-Modified", lastModifiedValue());
                }
                if (unchanged(request)) {
                    notModified.incrementAndGet();
                    exchange.sendResponseHeaders(304, -1);
                    return;
                }
                content = body;
                type = contentType;
                cut = cutAfter;
                hang = hangAfter;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            if (hang >= 0) {
                hang(exchange, content, hang);
                return;
            }
            exchange.sendResponseHeaders(200, content.length == 0 ? -1 : content.length);
            OutputStream out = exchange.getResponseBody();
            out.write(content, 0, cut < 0 ? content.length : Math.min(cut, content.length));
            out.flush();
        }

        /** If-None-Match wins over If-Modified-Since, as in RFC 9110. */
        private boolean unchanged(Request request) {
            Optional<String> match = request.header("If-None-Match");
            if (match.isPresent()) {
                return etag && match.get().equals(etagValue());
            }
            return lastModified && request.header("If-Modified-Since").filter(lastModifiedValue()::equals).isPresent();
        }

        private void hang(HttpExchange exchange, byte[] content, int bytes) throws IOException {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(content, 0, Math.min(bytes, content.length));
            out.flush();
            hanging.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Request record(HttpExchange exchange) {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!values.isEmpty()) {
                headers.put(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            return new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), Map.copyOf(headers),
                    body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
