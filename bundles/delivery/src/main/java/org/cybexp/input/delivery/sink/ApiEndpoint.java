package org.cybexp.input.delivery.sink;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.cybexp.input.api.Secret;

/**
 * Where and how to reach the CYBEX-P API.
 *
 * @param url the full {@code /raw} endpoint, e.g. {@code http://localhost:5000/api/v1.0/raw}
 * @param token the bearer token, resolved
 * @param timeout for connecting, for a post to move (a byte read or written) and for waiting on a pooled connection
 * @param maxConnections size of the keep-alive pool
 * @param verifyTls false trusts any certificate and host name (test servers only)
 * @param caFile PEM certificates to trust instead of the JVM's, or null
 */
public record ApiEndpoint(URI url, Secret token, Duration timeout, int maxConnections, boolean verifyTls,
        Path caFile) {
}
