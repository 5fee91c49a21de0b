package org.cybexp.input.api;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.SSLContext;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An input's network settings, built by the container from the input's core keys, for plugins that open their
 * own connections (a websocket client) or listen for them (a syslog or line listener) instead of using
 * {@link FetchContext#http()}. Every input has the same keys, so every plugin gets TLS, client certificates,
 * proxies and the User-Agent the same way.
 *
 * <p>Client side: {@code verify_tls}, {@code ca_file} (PEM CAs to trust instead of the JVM's),
 * {@code client_cert} + {@code client_cert_password} (PKCS#12 key and certificate), {@code proxy},
 * {@code user_agent}, {@code http_timeout}. Server side: {@code tls_cert} + {@code tls_key} (PEM certificate
 * chain and private key) or {@code tls_keystore} + {@code tls_keystore_password} (PKCS#12), {@code tls_ca}
 * (PEM CAs that sign client certificates) and {@code tls_client_auth} ({@code none}, {@code want},
 * {@code need}). The files are checked when the configuration is validated; a bad one is refused then.
 *
 * @since 1.2
 */
@ProviderType
public interface Network {

    /**
     * A client TLS context: trusts the JVM's CAs, or only those of {@code ca_file}, or every certificate when
     * {@code verify_tls = false}; presents the {@code client_cert} when one is configured.
     *
     * @throws SourceException if a configured file cannot be used (the message names the key, never a password)
     */
    SSLContext clientTls() throws SourceException;

    /** Whether the server's host name must match its certificate ({@code verify_tls}, default true). */
    boolean verifyHostname();

    /** The HTTP proxy of {@code proxy = http://host:port}, if configured (unresolved address). */
    Optional<InetSocketAddress> proxy();

    /** The {@code User-Agent} to send. */
    String userAgent();

    /** Connect and read timeout ({@code http_timeout}). */
    Duration timeout();

    /** Whether a server certificate is configured ({@code tls_cert}/{@code tls_key} or {@code tls_keystore}). */
    boolean hasServerTls();

    /**
     * A server TLS context with the configured certificate and key; when {@code tls_ca} is set it trusts only
     * those CAs for client certificates.
     *
     * @throws SourceException if no server certificate is configured or it cannot be used
     */
    SSLContext serverTls() throws SourceException;

    /** Whether the server asks for client certificates ({@code tls_client_auth}, default none). */
    ClientAuth clientAuth();
}
