package org.cybexp.input.delivery.sink;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;

import org.apache.hc.client5.http.utils.DateUtils;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.net.URIAuthority;

import org.cybexp.input.delivery.store.StoredEvent;

/**
 * Posts events to CYBEX-P {@code /raw}: multipart/form-data with the text parts {@code name}, {@code orgid},
 * {@code typetag}, {@code timezone} and then the {@code file} part (last: the API stores the upload under the
 * last part's file name), over keep-alive connections ({@link ApiConnections}) with HttpCore's request
 * executor: no retries, no redirects (a redirect must not carry the token to another host), no cookies.
 */
public final class ApiSink implements Sink {

    private static final int MESSAGE_LIMIT = 500;
    private static final int BODY_LIMIT = 64 * 1024;
    private static final String USER_AGENT = "cybexp-input";

    private final ApiEndpoint endpoint;
    private final ApiConnections connections;
    private final HttpRequestExecutor exchange = new HttpRequestExecutor();
    private final String scheme;
    private final URIAuthority authority;
    private final String path;
    private final String hostHeader;
    private final Clock clock;
    private final JsonFactory json = new JsonFactory();
    private final FormBody form = new FormBody();

    private ApiSink(ApiEndpoint endpoint, ApiConnections connections, Clock clock) {
        this.endpoint = endpoint;
        this.connections = connections;
        this.clock = clock;
        URI url = endpoint.url();
        this.scheme = url.getScheme().toLowerCase(Locale.ROOT);
        this.authority = new URIAuthority(host(url), url.getPort());
        String rawPath = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.path = url.getRawQuery() == null ? rawPath : rawPath + "?" + url.getRawQuery();
        this.hostHeader = authority.toString();
    }

    /** @throws GeneralSecurityException if the TLS settings (CA file) cannot be used */
    public static ApiSink create(ApiEndpoint endpoint, Clock clock) throws IOException, GeneralSecurityException {
        return create(endpoint, clock, ApiConnections.CHECK_AFTER_IDLE);
    }

    /** @param checkAfterIdle how long a connection may be idle before it is checked (closed by the server?) */
    static ApiSink create(ApiEndpoint endpoint, Clock clock, Duration checkAfterIdle)
            throws IOException, GeneralSecurityException {
        URI url = endpoint.url();
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() >= 0 ? url.getPort() : https ? 443 : 80;
        int timeout = (int) Math.min(Integer.MAX_VALUE, endpoint.timeout().toMillis());
        ApiConnections connections = new ApiConnections(host(url), port,
                https ? ApiTls.sockets(endpoint.verifyTls(), endpoint.caFile()) : null, endpoint.verifyTls(),
                endpoint.maxConnections(), timeout, checkAfterIdle);
        return new ApiSink(endpoint, connections, clock);
    }

    /** The host without the brackets of an IPv6 literal. */
    private static String host(URI url) {
        String host = url.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Resizes the pool at runtime (one route: the API); connections beyond a smaller size close when freed. */
    @Override
    public void connections(int count) {
        connections.resize(count);
    }

    @Override
    public SinkAnswer deliver(StoredEvent event) throws IOException {
        BasicClassicHttpRequest post = new BasicClassicHttpRequest(Method.POST.name(), scheme, authority, path);
        AbstractHttpEntity entity = form.entity(event);
        // the headers HttpClient's chain added (HttpCore's request interceptors would work them out again per post)
        post.setHeader(HttpHeaders.HOST, hostHeader);
        post.setHeader(HttpHeaders.USER_AGENT, USER_AGENT);
        post.setHeader(HttpHeaders.AUTHORIZATION, "Bearer " + endpoint.token().reveal());
        post.setHeader(HttpHeaders.CONTENT_TYPE, entity.getContentType());
        post.setHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(entity.getContentLength()));
        post.setEntity(entity);
        DefaultBHttpClientConnection connection = null;
        boolean reusable = false;
        try {
            connection = connections.lease();
            HttpCoreContext context = HttpCoreContext.create();
            ClassicHttpResponse response = exchange.execute(post, connection, context);
            Answered answered = answer(response);
            reusable = answered.bodyRead() && exchange.keepAlive(post, response, connection, context);
            return answered.answer();
        } catch (IOException | HttpException | RuntimeException e) {
            // a fresh exception, so that no cause chain of the client's can carry the token
            throw new IOException(endpoint.token().mask(e.getClass().getSimpleName() + ": " + e.getMessage()));
        } finally {
            if (connection != null) {
                connections.release(connection, reusable);
            }
        }
    }

    /** The answer, and whether its body was read to its end (else the connection cannot carry another post). */
    private record Answered(SinkAnswer answer, boolean bodyRead) {
    }

    private Answered answer(ClassicHttpResponse response) throws IOException {
        byte[] body = new byte[0];
        boolean bodyRead = true;
        HttpEntity entity = response.getEntity();
        if (entity != null) {
            try (InputStream in = entity.getContent()) {
                long length = entity.getContentLength();
                body = length >= 0 && length <= BODY_LIMIT ? exactly(in, (int) length) : in.readNBytes(BODY_LIMIT);
                bodyRead = in.read() < 0; // a longer body is not read on: the connection closes instead
            }
        }
        String message = message(body); // a 2xx's too: an upload's receipt shows it
        if (response.getCode() >= 200 && response.getCode() < 300) {
            return new Answered(new SinkAnswer(response.getCode(), endpoint.token().mask(message), null), bodyRead);
        }
        if (message.isEmpty()) {
            message = response.getReasonPhrase() == null ? "" : response.getReasonPhrase();
        }
        return new Answered(new SinkAnswer(response.getCode(), endpoint.token().mask(message), retryAfter(response)),
                bodyRead);
    }

    /** A body of known length, read straight into its array (readNBytes(limit) copies through 8 KiB buffers). */
    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] body = new byte[length];
        int read = in.readNBytes(body, 0, length);
        return read == length ? body : java.util.Arrays.copyOf(body, read);
    }

    /** The API's {@code message}, or the body's first 500 characters when it is not such JSON. */
    private String message(byte[] body) {
        String message = AnswerMessage.of(json, body);
        if (message != null) {
            return message;
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() > MESSAGE_LIMIT ? text.substring(0, MESSAGE_LIMIT) : text;
    }

    private Duration retryAfter(ClassicHttpResponse response) {
        Header header = response.getFirstHeader(HttpHeaders.RETRY_AFTER);
        if (header == null || header.getValue() == null) {
            return null;
        }
        String value = header.getValue().trim();
        if (value.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        Instant at = DateUtils.parseStandardDate(value);
        if (at == null) {
            return null;
        }
        Duration wait = Duration.between(clock.instant(), at);
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    @Override
    public void close() {
        connections.close();
    }
}
