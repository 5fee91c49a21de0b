package org.cybexp.input.source.http;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.Secret;
import org.cybexp.input.api.SourceException;

/** How requests authenticate ({@code auth}): none, a bearer token, HTTP Basic, or OAuth2 client credentials. */
interface Credentials {

    /** The request with its credentials. */
    HttpRequest apply(FetchContext ctx, HttpRequest request) throws IOException, SourceException;

    /** After a 401: drops what may have expired; true if sending the request once more may succeed. */
    default boolean renew() {
        return false;
    }

    /** The secrets these credentials send, to mask them in any message. */
    String mask(String text);

    static Credentials of(HttpPlugin.Config typed, InputConfig config) throws InvalidConfigException {
        String auth = typed.auth().strip().toLowerCase(Locale.ROOT);
        switch (auth) {
            case "none":
                return header(null, Secret.of(""));
            case "bearer": {
                Secret token = config.getSecret("token");
                require("token", token, config);
                return header("Bearer ", token);
            }
            case "apikey": {
                Secret token = config.getSecret("token");
                require("token", token, config);
                String name = typed.token__header().strip();
                if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                    throw new InvalidConfigException("token_header", "must be a header name, e.g. Authorization");
                }
                return new HeaderCredentials(name, "", token, token);
            }
            case "basic": {
                Secret password = config.getSecret("password");
                if (typed.username().isBlank() && config.enabled()) {
                    throw new InvalidConfigException("username", "is required with auth = basic");
                }
                String pair = typed.username().strip() + ":" + password.reveal();
                return new HeaderCredentials("Authorization", "Basic ", Secret.of(Base64.getEncoder()
                        .encodeToString(pair.getBytes(StandardCharsets.UTF_8))), password);
            }
            case "oauth2": {
                Secret secret = config.getSecret("oauth2_client_secret");
                require("oauth2_client_secret", secret, config);
                if (typed.oauth2__client__id().isBlank()) {
                    throw new InvalidConfigException("oauth2_client_id", "is required with auth = oauth2");
                }
                URI tokenUrl = tokenUrl(typed.oauth2__token__url());
                return new OAuth2ClientCredentials(tokenUrl, typed.oauth2__client__id().strip(), secret,
                        typed.oauth2__scope().strip());
            }
            default:
                throw new InvalidConfigException("auth", "must be none, bearer, apikey, basic or oauth2");
        }
    }

    private static Credentials header(String scheme, Secret value) {
        return new HeaderCredentials("Authorization", scheme, value, value);
    }

    private static void require(String key, Secret value, InputConfig config) throws InvalidConfigException {
        if (value.isEmpty() && config.enabled()) {
            throw new InvalidConfigException(key, "is required with auth = " + config.getString("auth", ""));
        }
    }

    private static URI tokenUrl(String text) throws InvalidConfigException {
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new InvalidConfigException("oauth2_token_url", "must be an http or https URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidConfigException("oauth2_token_url", "is not a valid URL (" + e.getReason() + ")");
        }
    }

    /** A fixed header ({@code Authorization: Bearer ...}, an API key header), or none. */
    final class HeaderCredentials implements Credentials {
        private final String header;
        private final String scheme;
        private final Secret value;
        private final Secret configured;

        HeaderCredentials(String header, String scheme, Secret value, Secret configured) {
            this.header = header;
            this.scheme = scheme;
            this.value = value;
            this.configured = configured;
        }

        @Override
        public HttpRequest apply(FetchContext ctx, HttpRequest request) {
            return scheme == null ? request : request.header(header, scheme + value.reveal());
        }

        @Override
        public String mask(String text) {
            return configured.mask(value.mask(text));
        }
    }
}
