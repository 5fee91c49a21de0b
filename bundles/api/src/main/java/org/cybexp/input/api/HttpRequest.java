package org.cybexp.input.api;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** An HTTP request for {@link HttpAccess#send(HttpRequest)}. Immutable; each {@code with}-method returns a copy. */
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

    public static HttpRequest get(URI uri) {
        return new HttpRequest("GET", Objects.requireNonNull(uri), Map.of(), null, false, Secret.of(""));
    }

    public static HttpRequest post(URI uri, byte[] body, String contentType) {
        return new HttpRequest("POST", Objects.requireNonNull(uri), Map.of("Content-Type", contentType),
                body.clone(), false, Secret.of(""));
    }

    /** Adds or replaces a header. */
    public HttpRequest header(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new HttpRequest(method, uri, Map.copyOf(copy), body, conditional, uriSecret);
    }

    /**
     * Makes the request conditional: the container sends the ETag / Last-Modified validators of the last answer
     * for this URL and stages the new ones in the input's state, committed only with the events of this fetch.
     */
    public HttpRequest conditional() {
        return new HttpRequest(method, uri, headers, body, true, uriSecret);
    }

    /** Names a secret contained in the URL (e.g. a key in the path) so that it is masked in errors and logs. */
    public HttpRequest secretInUri(Secret secret) {
        return new HttpRequest(method, uri, headers, body, conditional, secret);
    }

    public String method() {
        return method;
    }

    public URI uri() {
        return uri;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The body of a POST, or null. */
    public byte[] body() {
        return body == null ? null : body.clone();
    }

    public boolean isConditional() {
        return conditional;
    }

    /** The URL safe to print: secrets and user info masked. */
    public String displayUri() {
        String text = uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo(), "***");
        return uriSecret.mask(text);
    }

    @Override
    public String toString() {
        return method + " " + displayUri();
    }
}
