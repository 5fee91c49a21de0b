package org.cybexp.input.source.openphish;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.PersistentState;

/**
 * The container's {@link HttpAccess} in miniature, over the JDK client: conditional requests send the ETag kept
 * in the call's state and stage the new one. Refuses anything but loopback so a test can never reach the network.
 */
final class LoopbackHttpAccess implements HttpAccess {

    private static final String ETAG = "etag ";

    private final HttpClient client;
    private final PersistentState state;

    LoopbackHttpAccess(HttpClient client, PersistentState state) {
        this.client = client;
        this.state = state;
    }

    @Override
    public HttpResult send(HttpRequest request) throws IOException, HttpStatusException {
        if (!InetAddress.getByName(request.uri().getHost()).isLoopbackAddress()) {
            throw new IOException("tests use loopback only, not " + request.displayUri());
        }
        java.net.http.HttpRequest.Builder message = java.net.http.HttpRequest.newBuilder(request.uri())
                .timeout(Duration.ofSeconds(10)).GET();
        request.headers().forEach(message::header);
        String key = ETAG + request.uri();
        if (request.isConditional()) {
            state.get(key).ifPresent(etag -> message.header("If-None-Match", etag));
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(message.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        int status = response.statusCode();
        if (status != 304 && (status < 200 || status > 299)) {
            response.body().close();
            throw new HttpStatusException(request + " answered " + status, status, null);
        }
        if (request.isConditional() && status != 304) {
            response.headers().firstValue("ETag").ifPresentOrElse(etag -> state.put(key, etag), () -> state.remove(key));
        }
        return new Result(response);
    }

    private record Result(HttpResponse<InputStream> response) implements HttpResult {

        @Override
        public int status() {
            return response.statusCode();
        }

        @Override
        public Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        @Override
        public Optional<String> mediaType() {
            return header("Content-Type").map(type -> type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT));
        }

        @Override
        public InputStream body() {
            return response.body();
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }
}
