package org.cybexp.input.api;

/**
 * Whether a listener asks its TLS clients for a certificate (key {@code tls_client_auth}), checked against the
 * CAs of {@code tls_ca}.
 *
 * @since 1.2
 */
public enum ClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** A client certificate is asked for; a client without one is still accepted. */
    WANT,
    /** A client without a certificate trusted by {@code tls_ca} is refused in the handshake. */
    NEED
}
