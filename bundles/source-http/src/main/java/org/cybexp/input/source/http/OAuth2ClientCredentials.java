package org.cybexp.input.source.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.Secret;
import org.cybexp.input.api.SourceException;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * OAuth2 client credentials (RFC 6749 4.4): a token from {@code oauth2_token_url}, the client authenticated with
 * HTTP Basic, kept in memory only (never in the state on disk), renewed a minute (or a tenth of its life) before
 * it expires and after the API answered 401.
 */
final class OAuth2ClientCredentials implements Credentials {

    static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    private static final Duration MAX_MARGIN = Duration.ofMinutes(1);
    private static final int MAX_TOKEN_ANSWER = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI tokenUrl;
    private final String clientId;
    private final Secret clientSecret;
    private final String scope;
    private Secret token = Secret.of("");
    private Instant renewAt = Instant.MIN;
    private int tokensFetched;

    OAuth2ClientCredentials(URI tokenUrl, String clientId, Secret clientSecret, String scope) {
        this.tokenUrl = tokenUrl;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.scope = scope;
    }

    @Override
    public synchronized HttpRequest apply(FetchContext ctx, HttpRequest request) throws IOException, SourceException {
        if (token.isEmpty() || !ctx.clock().instant().isBefore(renewAt)) {
            fetchToken(ctx);
        }
        return request.header("Authorization", "Bearer " + token.reveal());
    }

    @Override
    public synchronized boolean renew() {
        token = Secret.of("");
        return true;
    }

    @Override
    public synchronized String mask(String text) {
        return token.mask(clientSecret.mask(text));
    }

    /** How many tokens this input fetched: tests see the cache and the renewal. */
    synchronized int tokensFetched() {
        return tokensFetched;
    }

    private void fetchToken(FetchContext ctx) throws IOException, SourceException {
        String form = "grant_type=client_credentials" + (scope.isEmpty() ? "" : "&scope=" + encode(scope));
        String client = encode(clientId) + ":" + encode(clientSecret.reveal());
        HttpRequest request = HttpRequest.post(tokenUrl, form.getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(client.getBytes(StandardCharsets.UTF_8)));
        Instant asked = ctx.clock().instant();
        JsonNode answer;
        try (HttpResult result = ctx.http().send(request); InputStream body = result.body()) {
            byte[] bytes = body.readNBytes(MAX_TOKEN_ANSWER);
            answer = JSON.readTree(bytes);
        } catch (HttpStatusException e) {
            if (e.status() == 400 || e.status() == 401 || e.status() == 403) {
                throw new SourceException("the OAuth2 token endpoint " + request.displayUri() + " refused the client "
                        + "credentials (HTTP " + e.status() + "): check oauth2_client_id and oauth2_client_secret");
            }
            throw e;
        } catch (JacksonException e) {
            throw new SourceException("the OAuth2 token endpoint " + request.displayUri() + " answered no JSON");
        }
        JsonNode access = answer == null ? null : answer.get("access_token");
        if (access == null || !access.isTextual() || access.asText().isBlank()) {
            throw new SourceException("the OAuth2 token endpoint " + request.displayUri()
                    + " answered without an access_token");
        }
        Duration lifetime = answer.path("expires_in").canConvertToLong() || answer.path("expires_in").isTextual()
                ? lifetime(answer.path("expires_in").asText()) : DEFAULT_LIFETIME;
        Duration margin = lifetime.dividedBy(10).compareTo(MAX_MARGIN) < 0 ? lifetime.dividedBy(10) : MAX_MARGIN;
        token = Secret.of(access.asText());
        renewAt = asked.plus(lifetime).minus(margin);
        tokensFetched++;
    }

    private static Duration lifetime(String text) {
        try {
            long seconds = Long.parseLong(text.strip());
            return seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT_LIFETIME;
        } catch (NumberFormatException e) {
            return DEFAULT_LIFETIME;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
