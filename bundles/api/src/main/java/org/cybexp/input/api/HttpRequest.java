package org.cybexp.input.api;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request for {@link HttpAccess#send(HttpRequest)}. Immutable: each method that changes it returns a
 * copy. The container adds the input's {@code User-Agent} and timeouts; a plugin adds what its source needs.
 *
 * @since 1.0
 */
public final class HttpRequest {

    private final String method;
    private final URI uri;
    private final Map<String, String> headers;
    private final byte[] body;
    private final boolean conditional;
    private final Secret uriSecret;

    private HttpRequest(String method, URI uri, Map<String, String> headers, byte[] body, boolean conditional,
            Secret uriSecret) {
        this.method = method;
        this.uri = uri;
        this.headers = headers;
        this.body = body;
        this.conditional = conditional;
        this.uriSecret = uriSecret;
    }

    /**
     * A GET request.
     *
     * @param uri an {@code http}, {@code https} or {@code file} URL
     * @return the request, neither conditional nor with headers
     */
    public static HttpRequest get(URI uri) {
        return new HttpRequest("GET", Objects.requireNonNull(uri), Map.of(), null, false, Secret.of(""));
    }

    /**
     * A POST request with a body.
     *
     * @param uri an {@code http} or {@code https} URL
     * @param body the body, copied
     * @param contentType its {@code Content-Type}, e.g. {@code application/json}
     * @return the request
     */
    public static HttpRequest post(URI uri, byte[] body, String contentType) {
        return new HttpRequest("POST", Objects.requireNonNull(uri), Map.of("Content-Type", contentType),
                body.clone(), false, Secret.of(""));
    }

    /**
     * Adds or replaces a header.
     *
     * @param name the header's name
     * @param value its value; a secret's {@link Secret#reveal()} only here, where it is sent
     * @return a copy with the header
     */
    public HttpRequest header(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new HttpRequest(method, uri, Map.copyOf(copy), body, conditional, uriSecret);
    }

    /**
     * Makes the request conditional: the container sends the ETag / Last-Modified validators of the last answer
     * for this URL and stages the new ones in the input's state, committed only with the events of this fetch.
     *
     * @return a conditional copy
     */
    public HttpRequest conditional() {
        return new HttpRequest(method, uri, headers, body, true, uriSecret);
    }

    /**
     * Names a secret contained in the URL (e.g. a key in the path) so that it is masked in errors and logs.
     *
     * @param secret the secret as it appears in the URL
     * @return a copy that masks it
     */
    public HttpRequest secretInUri(Secret secret) {
        return new HttpRequest(method, uri, headers, body, conditional, secret);
    }

    /**
     * The method.
     *
     * @return {@code GET} or {@code POST}
     */
    public String method() {
        return method;
    }

    /**
     * The URL as sent, secrets included: never print it, print {@link #displayUri()}.
     *
     * @return the URL
     */
    public URI uri() {
        return uri;
    }

    /**
     * The headers the plugin set (and {@code Content-Type} of a POST).
     *
     * @return the headers, unmodifiable
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The body of a POST.
     *
     * @return a copy of it, or null for a GET
     */
    public byte[] body() {
        return body == null ? null : body.clone();
    }

    /**
     * Whether the request is conditional ({@link #conditional()}).
     *
     * @return true if the last answer's validators are sent
     */
    public boolean isConditional() {
        return conditional;
    }

    /**
     * The URL safe to print.
     *
     * @return the URL with its user info and the {@link #secretInUri(Secret)} secret masked
     */
    public String displayUri() {
        String text = uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo(), "***");
        return uriSecret.mask(text);
    }

    @Override
    public String toString() {
        return method + " " + displayUri();
    }
}
