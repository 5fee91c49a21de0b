package org.cybexp.input.testkit;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import org.cybexp.input.api.HttpAccess;
import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.PersistentState;
import org.cybexp.input.core.config.CoreInputSettings;
import org.cybexp.input.core.fetch.FetchResources;
import org.cybexp.input.core.http.HttpClientSettings;
import org.cybexp.input.core.http.InputHttpAccess;
import org.cybexp.input.core.http.InputHttpSettings;
import org.cybexp.input.core.http.SharedHttpClient;

/**
 * The container's own {@link HttpAccess} (the core's {@code InputHttpAccess} over its pooled Apache HttpClient),
 * restricted to loopback. So a plugin meets exactly what it meets in the container:
 * <ul>
 * <li>answers 2xx and 304 (for a {@linkplain HttpRequest#conditional() conditional} request); any other status
 * throws {@link HttpStatusException} with the server's {@code Retry-After}; redirects are followed;</li>
 * <li>a conditional request sends the {@code ETag} / {@code Last-Modified} validators of the last answer for
 * that URL from the state and stages the new ones, so they are committed only with the call's events;</li>
 * <li>{@code file:} URLs are read from disk (GET only), size and modification time acting as the validator;</li>
 * <li>an immediate stop aborts a request and closes open answers; messages carry the masked URL only;</li>
 * <li>the input's {@code user_agent}, {@code http_timeout}, {@code verify_tls}, {@code ca_file} and
 * {@code proxy} apply.</li>
 * </ul>
 * It refuses every host but {@code localhost} and loopback IP literals, redirect targets included, without a
 * DNS lookup, so a unit test never reaches the network. {@link InMemoryFetchContext#http()} gives one bound to
 * the call; build one yourself only to test code that takes an {@link HttpAccess} directly.
 *
 * @since 1.0
 */
public final class LoopbackHttpAccess implements HttpAccess {

    /** The timeout when neither the store's builder nor the input's {@code http_timeout} sets one. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final InputHttpAccess access;

    /** An access that keeps its validators in {@code state}, with the core's defaults and a 10 s timeout. */
    public LoopbackHttpAccess(PersistentState state) {
        this(newClients(), new InputHttpSettings(HttpClientSettings.DEFAULT, CoreInputSettings.DEFAULT_USER_AGENT,
                DEFAULT_TIMEOUT), state, new FetchResources(), Clock.systemUTC());
    }

    LoopbackHttpAccess(SharedHttpClient clients, InputHttpSettings settings, PersistentState state,
            FetchResources resources, Clock clock) {
        this.access = new InputHttpAccess(clients, settings, state, resources, clock);
    }

    /** The core's client pool, resolving nothing but loopback; the owner closes it. */
    static SharedHttpClient newClients() {
        return new SharedHttpClient(new LoopbackOnly());
    }

    @Override
    public HttpResult send(HttpRequest request) throws IOException, HttpStatusException {
        URI uri = request.uri();
        // Checked here too, not only by the resolver: the plain message, and no pooled client for a refused URL.
        if (!"file".equalsIgnoreCase(uri.getScheme()) && !LoopbackOnly.allows(uri.getHost())) {
            throw new IOException(request.method() + " " + request.displayUri() + " failed: " + LoopbackOnly.REFUSED);
        }
        return access.send(request);
    }
}
