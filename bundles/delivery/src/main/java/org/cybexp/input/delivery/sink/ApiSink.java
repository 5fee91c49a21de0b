package org.cybexp.input.delivery.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;

import org.apache.hc.client5.http.utils.DateUtils;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.net.URIAuthority;

import org.cybexp.input.delivery.store.StoredEvent;

/**
 * Posts events to CYBEX-P {@code /raw}: multipart/form-data with the text parts {@code name}, {@code orgid},
 * {@code typetag}, {@code timezone} and then the {@code file} part (last: the API stores the upload under the
 * last part's file name), over keep-alive connections ({@link ApiConnections}) with a small HTTP/1.1 exchange of
 * its own ({@link HttpAnswer}): no retries, no redirects (a redirect must not carry the token to another host),
 * no cookies. Not HttpCore's request executor: against a fast API its generic message handling was a large
 * share of a post's CPU (see docs/benchmarks.md).
 */
public final class ApiSink implements Sink {

    private static final int MESSAGE_LIMIT = 500;
    private static final int BODY_LIMIT = 64 * 1024;
    private static final String USER_AGENT = "cybexp-input";
    private static final byte[] CONTENT_LENGTH = "\r\nContent-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ApiEndpoint endpoint;
    private final ApiConnections connections;
    /** The request line and the headers up to the token's value: the same for every post of this sink. */
    private final byte[] headStart;
    private final Clock clock;
    private final JsonFactory json = new JsonFactory();
    private final FormBody form = new FormBody();

    private ApiSink(ApiEndpoint endpoint, ApiConnections connections, Clock clock) {
        this.endpoint = endpoint;
        this.connections = connections;
        this.clock = clock;
        URI url = endpoint.url();
        String rawPath = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String path = url.getRawQuery() == null ? rawPath : rawPath + "?" + url.getRawQuery();
        String host = new URIAuthority(host(url), url.getPort()).toString();
        this.headStart = ("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + USER_AGENT
                + "\r\nContent-Type: " + form.contentType() + "\r\nAuthorization: Bearer ")
                .getBytes(StandardCharsets.US_ASCII);
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
        AbstractHttpEntity entity = form.entity(event);
        ApiConnection connection = null;
        boolean reusable = false;
        try {
            connection = connections.lease();
            send(connection.out(), entity);
            HttpAnswer answer = HttpAnswer.read(connection.in(), BODY_LIMIT);
            reusable = answer.reusable();
            return answer(answer);
        } catch (IOException | RuntimeException e) {
            if (connection != null && connection.expired()) { // the watchdog closed it: nothing moved in time
                throw new SocketTimeoutException("SocketTimeoutException: no byte to or from the API for "
                        + endpoint.timeout().toMillis() + " ms");
            }
            // a fresh exception, so that no cause chain can carry the token
            throw new IOException(endpoint.token().mask(e.getClass().getSimpleName() + ": " + e.getMessage()));
        } finally {
            if (connection != null) {
                connections.release(connection, reusable);
            }
        }
    }

    /** The request head (formatted once but for the token and the length) and the body, in one flush. */
    private void send(OutputStream out, AbstractHttpEntity entity) throws IOException {
        out.write(headStart);
        byte[] token = endpoint.token().reveal().getBytes(StandardCharsets.ISO_8859_1);
        for (byte b : token) {
            if (b < 0x20 || b == 0x7f) { // a line break would end the header (bytes beyond ASCII are negative)
                throw new IOException("the token has a character that cannot go into a header");
            }
        }
        out.write(token);
        out.write(CONTENT_LENGTH);
        out.write(Long.toString(entity.getContentLength()).getBytes(StandardCharsets.US_ASCII));
        out.write(HEAD_END);
        entity.writeTo(out); // flushes
    }

    private SinkAnswer answer(HttpAnswer answer) {
        String message = message(answer.body()); // a 2xx's too: an upload's receipt shows it
        if (answer.status() >= 200 && answer.status() < 300) {
            return new SinkAnswer(answer.status(), endpoint.token().mask(message), null);
        }
        if (message.isEmpty()) {
            message = answer.reason();
        }
        return new SinkAnswer(answer.status(), endpoint.token().mask(message), retryAfter(answer.retryAfter()));
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

    private Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
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
