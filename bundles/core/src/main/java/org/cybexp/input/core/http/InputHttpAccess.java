package org.cybexp.input.core.http;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.impl.EnglishReasonPhraseCatalog;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;
import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.PersistentState;
import org.cybexp.input.core.fetch.FetchResources;

/**
 * One fetch call's view of the {@link SharedHttpClient}: applies the input's User-Agent and timeouts, sends
 * and stages the conditional-request validators in the call's state, reads {@code file:} URLs from disk, and
 * registers every request so that an immediate stop aborts it. Messages carry the masked URL only.
 */
public final class InputHttpAccess implements HttpAccess {

    static final String ETAG = "http.etag.";
    static final String LAST_MODIFIED = "http.lastmod.";

    private final SharedHttpClient shared;
    private final InputHttpSettings settings;
    private final PersistentState state;
    private final FetchResources resources;
    private final Clock clock;

    public InputHttpAccess(SharedHttpClient shared, InputHttpSettings settings, PersistentState state,
            FetchResources resources, Clock clock) {
        this.shared = shared;
        this.settings = settings;
        this.state = state;
        this.resources = resources;
        this.clock = clock;
    }

    @Override
    public HttpResult send(HttpRequest request) throws IOException, HttpStatusException {
        if ("file".equalsIgnoreCase(request.uri().getScheme())) {
            return sendFile(request);
        }
        CloseableHttpClient client = shared.client(settings.client());
        HttpUriRequestBase message = message(request);
        Closeable cancel = message::cancel;
        resources.register(cancel);
        ClassicHttpResponse response;
        try {
            response = client.executeOpen(null, message, HttpClientContext.create());
        } catch (IOException e) {
            throw new IOException(request.method() + " " + request.displayUri() + " failed: " + describe(request, e), e);
        } catch (java.util.concurrent.CancellationException e) {
            // the call was stopped at once while the request waited for a connection: the contract is an IOException
            throw new java.io.InterruptedIOException(request.method() + " " + request.displayUri()
                    + " cancelled: the input is stopping");
        } finally {
            resources.unregister(cancel);
        }
        return answer(request, message, response);
    }

    private HttpUriRequestBase message(HttpRequest request) {
        HttpUriRequestBase message = new HttpUriRequestBase(request.method(), request.uri());
        message.setHeader("User-Agent", settings.userAgent());
        request.headers().forEach(message::setHeader);
        byte[] body = request.body();
        if (body != null) {
            message.setEntity(new ByteArrayEntity(body, null));
        }
        if (request.isConditional()) {
            String id = validatorId(request.uri());
            state.get(ETAG + id).ifPresent(etag -> message.setHeader("If-None-Match", etag));
            state.get(LAST_MODIFIED + id).ifPresent(date -> message.setHeader("If-Modified-Since", date));
        }
        message.setConfig(requestConfig(settings.timeout()));
        return message;
    }

    @SuppressWarnings("deprecation") // per-request connect timeout: the pool is shared by inputs with different ones
    private static RequestConfig requestConfig(Duration timeout) {
        Timeout value = Timeout.of(timeout);
        return RequestConfig.custom().setConnectTimeout(value).setResponseTimeout(value)
                .setConnectionRequestTimeout(value).build();
    }

    private HttpResult answer(HttpRequest request, HttpUriRequestBase message, ClassicHttpResponse response)
            throws IOException, HttpStatusException {
        int status = response.getCode();
        if (status == 304 || (status >= 200 && status < 300)) {
            if (request.isConditional() && status != 304) {
                stageValidators(request.uri(), response);
            }
            Closeable abort = () -> {
                message.cancel();
                response.close();
            };
            resources.register(abort);
            return new ApacheHttpResult(response, resources, abort);
        }
        Header retryAfter = response.getFirstHeader("Retry-After");
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : response.getHeaders()) {
            headers.putIfAbsent(header.getName(), header.getValue());
        }
        response.close();
        throw new HttpStatusException(request.method() + " " + request.displayUri() + " answered " + status + " "
                + reason(status, response.getReasonPhrase()), status,
                RetryAfter.parse(retryAfter == null ? null : retryAfter.getValue(), clock), headers);
    }

    private void stageValidators(URI uri, ClassicHttpResponse response) {
        String id = validatorId(uri);
        stage(ETAG + id, response.getFirstHeader("ETag"));
        stage(LAST_MODIFIED + id, response.getFirstHeader("Last-Modified"));
    }

    private void stage(String key, Header header) {
        if (header == null || header.getValue() == null || header.getValue().isBlank()) {
            state.remove(key);
        } else {
            state.put(key, header.getValue());
        }
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
        String type = MediaTypes.of(file);
        if (request.isConditional()) {
            if (state.get(key).filter(stamp::equals).isPresent()) {
                return new FileHttpResult(304, type, stamp, InputStream.nullInputStream(), resources);
            }
            state.put(key, stamp);
        }
        return new FileHttpResult(200, type, stamp, Files.newInputStream(file), resources);
    }

    /** The state key suffix of a URL: short, stable, and free of the URL's secrets. */
    static String validatorId(URI uri) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(uri.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }

    private static String reason(int status, String phrase) {
        if (phrase != null && !phrase.isBlank()) {
            return phrase;
        }
        return Optional.ofNullable(EnglishReasonPhraseCatalog.INSTANCE.getReason(status, Locale.ENGLISH)).orElse("");
    }

    /** The cause's kind and message, with the raw URL (which may hold a key) replaced by the masked one. */
    private static String describe(HttpRequest request, IOException e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage();
        return e.getClass().getSimpleName() + message.replace(request.uri().toString(), request.displayUri());
    }
}
