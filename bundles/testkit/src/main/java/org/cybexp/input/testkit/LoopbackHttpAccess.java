package org.cybexp.input.testkit;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.PersistentState;

/**
 * The container's {@link HttpAccess} in miniature, over the JDK's HTTP client, with the same behaviour a
 * plugin relies on:
 * <ul>
 * <li>answers 2xx and 304 (for a {@linkplain HttpRequest#conditional() conditional} request); any other status
 * throws {@link HttpStatusException} with the server's {@code Retry-After}; redirects are followed;</li>
 * <li>a conditional request sends the {@code ETag} / {@code Last-Modified} validators of the last answer for
 * that URL from the state and stages the new ones, so they are committed only with the call's events;</li>
 * <li>{@code file:} URLs are read from disk (GET only), size and modification time acting as the validator;</li>
 * <li>an immediate stop aborts a request and closes open answers; messages carry the masked URL only.</li>
 * </ul>
 * It refuses every host but {@code localhost} and loopback addresses, so a unit test never reaches the network.
 * {@link InMemoryFetchContext#http()} gives one bound to the call; build one yourself only to test code that
 * takes an {@link HttpAccess} directly.
 */
public final class LoopbackHttpAccess implements HttpAccess {

    /** State key prefixes of the validators, as the core names them. */
    static final String ETAG = "http.etag.";
    static final String LAST_MODIFIED = "http.lastmod.";
    static final String USER_AGENT = "cybexp-input-testkit";
    private static final int MAX_REDIRECTS = 5;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(408, "Request Timeout"), Map.entry(410, "Gone"), Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"), Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"));

    private final HttpClient client;
    private final PersistentState state;
    private final CallResources resources;
    private final Clock clock;
    private final Duration timeout;

    /** An access that keeps its validators in {@code state}, with a 10 s timeout. */
    public LoopbackHttpAccess(PersistentState state) {
        this(newClient(Duration.ofSeconds(10)), state, new CallResources(), Clock.systemUTC(), Duration.ofSeconds(10));
    }

    LoopbackHttpAccess(HttpClient client, PersistentState state, CallResources resources, Clock clock,
            Duration timeout) {
        this.client = client;
        this.state = state;
        this.resources = resources;
        this.clock = clock;
        this.timeout = timeout;
    }

    static HttpClient newClient(Duration connectTimeout) {
        // Redirects are followed by hand so that each hop is checked to be loopback.
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public HttpResult send(HttpRequest request) throws IOException, HttpStatusException {
        if ("file".equalsIgnoreCase(request.uri().getScheme())) {
            return sendFile(request);
        }
        URI uri = request.uri();
        String method = request.method();
        for (int hop = 0;; hop++) {
            requireLoopback(request, uri);
            HttpResponse<InputStream> response = exchange(request, method, uri);
            Optional<String> location = response.headers().firstValue("Location");
            if (isRedirect(response.statusCode()) && location.isPresent() && hop < MAX_REDIRECTS) {
                response.body().close();
                uri = uri.resolve(location.get());
                method = response.statusCode() == 303 ? "GET" : method;
                continue;
            }
            return answer(request, response);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static void requireLoopback(HttpRequest request, URI uri) throws IOException {
        String host = uri.getHost();
        boolean loopback = false;
        if (host != null) {
            String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            // Only names that need no DNS lookup: a unit test must not touch the network even to resolve.
            loopback = literal.equalsIgnoreCase("localhost") || ((IPV4.matcher(literal).matches()
                    || literal.contains(":")) && InetAddress.getByName(literal).isLoopbackAddress());
        }
        if (!loopback) {
            throw new IOException(request.method() + " " + request.displayUri()
                    + " failed: the test kit reaches loopback addresses only");
        }
    }

    private HttpResponse<InputStream> exchange(HttpRequest request, String method, URI uri) throws IOException {
        byte[] body = request.body();
        java.net.http.HttpRequest.Builder message = java.net.http.HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, body == null || "GET".equals(method)
                        ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        message.setHeader("User-Agent", USER_AGENT);
        request.headers().forEach(message::setHeader);
        if (request.isConditional()) {
            String id = validatorId(request.uri());
            state.get(ETAG + id).ifPresent(etag -> message.setHeader("If-None-Match", etag));
            state.get(LAST_MODIFIED + id).ifPresent(date -> message.setHeader("If-Modified-Since", date));
        }
        CompletableFuture<HttpResponse<InputStream>> answer =
                client.sendAsync(message.build(), HttpResponse.BodyHandlers.ofInputStream());
        Closeable abort = () -> answer.cancel(true);
        resources.register(abort);
        try {
            return answer.get();
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(method + " " + request.displayUri() + " failed: interrupted");
        } catch (CancellationException e) {
            throw new InterruptedIOException(method + " " + request.displayUri() + " failed: aborted by a stop");
        } catch (ExecutionException e) {
            throw failure(request, method, e.getCause());
        } finally {
            resources.unregister(abort);
        }
    }

    /** The cause's kind and message, the raw URL (which may hold a key) replaced by the masked one. */
    private static IOException failure(HttpRequest request, String method, Throwable cause) {
        String detail = cause == null || cause.getMessage() == null ? ""
                : ": " + cause.getMessage().replace(request.uri().toString(), request.displayUri());
        String kind = cause == null ? "IOException" : cause.getClass().getSimpleName();
        String message = method + " " + request.displayUri() + " failed: " + kind + detail;
        if (cause instanceof java.net.http.HttpTimeoutException) {
            return new java.net.http.HttpTimeoutException(message);
        }
        if (cause instanceof java.net.ConnectException) {
            return new java.net.ConnectException(message);
        }
        return new IOException(message);
    }

    private HttpResult answer(HttpRequest request, HttpResponse<InputStream> response)
            throws IOException, HttpStatusException {
        int status = response.statusCode();
        if (status == 304 || (status >= 200 && status < 300)) {
            if (request.isConditional() && status != 304) {
                String id = validatorId(request.uri());
                stage(ETAG + id, response.headers().firstValue("ETag"));
                stage(LAST_MODIFIED + id, response.headers().firstValue("Last-Modified"));
            }
            InputStream body = status == 304 ? closedBody(response) : response.body();
            return new TestHttpResult(status, name -> response.headers().firstValue(name),
                    response.headers().firstValue("Content-Type").flatMap(LoopbackHttpAccess::mediaType), body,
                    resources);
        }
        Optional<String> retryAfter = response.headers().firstValue("Retry-After");
        response.body().close();
        String reason = REASONS.getOrDefault(status, "");
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
        throw new HttpStatusException(request.method() + " " + request.displayUri() + " answered " + status
                + (reason.isEmpty() ? "" : " " + reason), status, retryAfter.map(this::retryAfter).orElse(null),
                headers);
    }

    private static InputStream closedBody(HttpResponse<InputStream> response) throws IOException {
        response.body().close();
        return InputStream.nullInputStream();
    }

    private void stage(String key, Optional<String> value) {
        value.filter(v -> !v.isBlank()).ifPresentOrElse(v -> state.put(key, v), () -> state.remove(key));
    }

    /** A number of seconds or an HTTP date; null when unreadable. */
    private Duration retryAfter(String value) {
        String text = value.trim();
        try {
            if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
                return Duration.ofSeconds(Long.parseLong(text));
            }
            Duration wait = Duration.between(clock.instant(),
                    ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (NumberFormatException | DateTimeParseException e) {
            return null;
        }
    }

    static Optional<String> mediaType(String contentType) {
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.isEmpty() ? Optional.empty() : Optional.of(type);
    }

    /** {@code file:} URLs, for air-gapped use: size and modification time act as the validator. */
    private HttpResult sendFile(HttpRequest request) throws IOException {
        if (!"GET".equals(request.method())) {
            throw new IOException(request.method() + " " + request.displayUri() + " failed: only GET reads files");
        }
        Path file = Path.of(request.uri());
        if (!Files.isRegularFile(file)) {
            throw new FileNotFoundException("GET " + request.displayUri() + " failed: no such file");
        }
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        String stamp = "\"" + attributes.size() + "-" + attributes.lastModifiedTime().toMillis() + "\"";
        String key = ETAG + validatorId(request.uri());
        Optional<String> type = Optional.of(FileMediaTypes.of(file));
        Optional<String> etag = Optional.of(stamp);
        if (request.isConditional()) {
            if (state.get(key).filter(stamp::equals).isPresent()) {
                return new TestHttpResult(304, name -> header(name, etag), type, InputStream.nullInputStream(),
                        resources);
            }
            state.put(key, stamp);
        }
        return new TestHttpResult(200, name -> header(name, etag), type, Files.newInputStream(file), resources);
    }

    private static Optional<String> header(String name, Optional<String> etag) {
        return "ETag".equalsIgnoreCase(name) ? etag : Optional.empty();
    }

    /** The state key suffix of a URL, as the core computes it: short, stable, free of the URL's secrets. */
    static String validatorId(URI uri) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(uri.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
