package org.cybexp.input.api;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The container's pooled HTTP client as seen by one input: keep-alive connections shared by all inputs, with
 * this input's TLS verification, CA file, proxy, timeouts and User-Agent applied. {@code file:} URLs are read
 * from disk, for air-gapped use.
 *
 * @since 1.0
 */
@ProviderType
public interface HttpAccess {

    /**
     * Sends a request and returns the answer once its head arrived; the body streams.
     *
     * @return the answer: a 2xx, or 304 for a {@linkplain HttpRequest#conditional() conditional} request
     *         whose resource did not change
     * @throws HttpStatusException for any other status, with the server's Retry-After when given
     * @throws IOException when the connection fails or times out
     */
    HttpResult send(HttpRequest request) throws IOException, HttpStatusException;
}
