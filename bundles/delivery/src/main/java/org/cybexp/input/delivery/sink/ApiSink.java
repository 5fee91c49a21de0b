package org.cybexp.input.delivery.sink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;

import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.utils.DateUtils;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

import org.cybexp.input.delivery.store.StoredEvent;

/**
 * Posts events to CYBEX-P {@code /raw}: multipart/form-data with the text parts {@code name}, {@code orgid},
 * {@code typetag}, {@code timezone} and then the {@code file} part (last: the API stores the upload under the
 * last part's file name), over a pooled keep-alive client.
 */
public final class ApiSink implements Sink {

    private static final int MESSAGE_LIMIT = 500;
    private static final int BODY_LIMIT = 64 * 1024;

    private final ApiEndpoint endpoint;
    private final CloseableHttpClient client;
    private final PoolingHttpClientConnectionManager pool;
    private final Clock clock;
    private final JsonFactory json = new JsonFactory();
    private final FormBody form = new FormBody();

    private ApiSink(ApiEndpoint endpoint, CloseableHttpClient client, PoolingHttpClientConnectionManager pool,
            Clock clock) {
        this.endpoint = endpoint;
        this.client = client;
        this.pool = pool;
        this.clock = clock;
    }

    /** @throws GeneralSecurityException if the TLS settings (CA file) cannot be used */
    public static ApiSink create(ApiEndpoint endpoint, Clock clock) throws IOException, GeneralSecurityException {
        Timeout timeout = Timeout.ofMilliseconds(endpoint.timeout().toMillis());
        var pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(endpoint.maxConnections())
                .setMaxConnPerRoute(endpoint.maxConnections())
                .setTlsSocketStrategy(TlsStrategies.of(endpoint.verifyTls(), endpoint.caFile()))
                .setDefaultConnectionConfig(
                        ConnectionConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout).build())
                .build();
        // retries and redirects are ours to decide: a redirect must not carry the token to another host
        CloseableHttpClient client = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(timeout)
                        .setResponseTimeout(timeout).build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableContentCompression() // the API's answers are a line of JSON: no gzip to negotiate
                .disableAuthCaching() // a bearer token in a header: no HTTP authentication schemes to cache
                .disableConnectionState()
                .setUserAgent("cybexp-input")
                .build();
        return new ApiSink(endpoint, client, pool, clock);
    }

    /** Resizes the pool at runtime (one route: the API); connections beyond a smaller size close when freed. */
    @Override
    public void connections(int count) {
        int size = Math.max(1, count);
        if (pool.getMaxTotal() != size) {
            pool.setMaxTotal(size);
            pool.setDefaultMaxPerRoute(size);
        }
    }

    @Override
    public SinkAnswer deliver(StoredEvent event) throws IOException {
        HttpPost post = new HttpPost(endpoint.url());
        post.setHeader(HttpHeaders.AUTHORIZATION, "Bearer " + endpoint.token().reveal());
        post.setEntity(form.entity(event));
        try {
            return client.execute(post, this::answer);
        } catch (IOException | RuntimeException e) {
            // a closed pool throws IllegalStateException: transient too. A fresh exception, so that no cause
            // chain of the client's can carry the token.
            throw new IOException(endpoint.token().mask(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    private SinkAnswer answer(ClassicHttpResponse response) throws IOException {
        byte[] body = new byte[0];
        if (response.getEntity() != null) {
            try (InputStream in = response.getEntity().getContent()) {
                body = in.readNBytes(BODY_LIMIT);
            }
        }
        String message = message(body); // a 2xx's too: an upload's receipt shows it
        if (response.getCode() >= 200 && response.getCode() < 300) {
            return new SinkAnswer(response.getCode(), endpoint.token().mask(message), null);
        }
        if (message.isEmpty()) {
            message = response.getReasonPhrase() == null ? "" : response.getReasonPhrase();
        }
        return new SinkAnswer(response.getCode(), endpoint.token().mask(message), retryAfter(response));
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
        client.close(CloseMode.GRACEFUL);
    }
}
