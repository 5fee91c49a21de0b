package org.cybexp.input.core.network;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.cybexp.input.api.ClientAuth;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.Network;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.core.http.ClientTls;
import org.cybexp.input.core.http.InputHttpSettings;
import org.cybexp.input.core.tls.PemTrust;

/**
 * The {@link Network} of one input configuration. Its TLS contexts are built on first use and then kept: the
 * container makes one of these per configuration, so every call (and every connection of a listener) shares
 * them, and a configuration edit makes a new one that reads the files again. A context that cannot be built is
 * not kept, so a file fixed on disk is used by the next call. Thread-safe.
 */
public final class InputNetwork implements Network {

    private final InputHttpSettings http;
    private final ServerTlsSettings server;

    // guarded by this
    private SSLContext client;
    private SSLContext serverContext;

    public InputNetwork(InputHttpSettings http, ServerTlsSettings server) {
        this.http = http;
        this.server = server;
    }

    @Override
    public synchronized SSLContext clientTls() throws SourceException {
        if (client == null) {
            try {
                client = ClientTls.context(http.client());
            } catch (IOException e) {
                throw new SourceException(e.getMessage(), e);
            }
        }
        return client;
    }

    @Override
    public boolean verifyHostname() {
        return http.client().verifyTls();
    }

    @Override
    public Optional<InetSocketAddress> proxy() {
        if (http.client().proxy().isEmpty()) {
            return Optional.empty();
        }
        URI proxy = URI.create(http.client().proxy()); // checked with the configuration: http://host:port
        return Optional.of(InetSocketAddress.createUnresolved(proxy.getHost(), proxy.getPort()));
    }

    @Override
    public String userAgent() {
        return http.userAgent();
    }

    @Override
    public Duration timeout() {
        return http.timeout();
    }

    @Override
    public boolean hasServerTls() {
        return server.configured();
    }

    @Override
    public synchronized SSLContext serverTls() throws SourceException {
        if (!server.configured()) {
            throw new SourceException("no server certificate is configured: set tls_cert and tls_key, or"
                    + " tls_keystore and tls_keystore_password");
        }
        if (serverContext == null) {
            serverContext = buildServer();
        }
        return serverContext;
    }

    private SSLContext buildServer() throws SourceException {
        try {
            TrustManager[] clientCas = server.caFile().isEmpty() ? null // the JVM's CAs
                    : PemTrust.trustManagers(Path.of(server.caFile()));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(ServerKeys.of(server), clientCas, null);
            return ClientAuthContext.of(context, server.clientAuth());
        } catch (InvalidConfigException e) {
            throw new SourceException(e.getMessage());
        } catch (IOException e) {
            throw new SourceException("tls_ca " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new SourceException("cannot set up the server's TLS: " + e.getMessage(), e);
        }
    }

    @Override
    public ClientAuth clientAuth() {
        return server.clientAuth();
    }

    @Override
    public String toString() {
        return "InputNetwork[" + http.client() + ", userAgent=" + http.userAgent() + ", " + server + "]";
    }
}
