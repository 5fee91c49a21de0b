package org.cybexp.input.core.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.ssl.SSLContextBuilder;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.TimeValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's pooled HTTP clients: one per distinct {@link HttpClientSettings}, created on first use and
 * shared by every input with those settings, so keep-alive connections are reused across inputs.
 */
public final class SharedHttpClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedHttpClient.class);
    private static final int MAX_TOTAL = 20;
    private static final int MAX_PER_ROUTE = 5;

    private final Map<HttpClientSettings, CloseableHttpClient> clients = new HashMap<>();
    private final DnsResolver dns;
    private boolean closed;

    /** Clients that resolve host names with the system's resolver, as the container's do. */
    public SharedHttpClient() {
        this(SystemDefaultDnsResolver.INSTANCE);
    }

    /**
     * Clients that resolve every host, redirect targets included, with {@code dns}: the plugin test kit's
     * refuses all but loopback.
     */
    public SharedHttpClient(DnsResolver dns) {
        this.dns = dns;
    }

    /**
     * The client for these settings.
     *
     * @throws IOException if the CA file cannot be read or parsed
     */
    public synchronized CloseableHttpClient client(HttpClientSettings settings) throws IOException {
        if (closed) {
            throw new IOException("the HTTP client is shut down");
        }
        CloseableHttpClient client = clients.get(settings);
        if (client == null) {
            client = create(settings, dns);
            clients.put(settings, client);
        }
        return client;
    }

    private static CloseableHttpClient create(HttpClientSettings settings, DnsResolver dns) throws IOException {
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(dns)
                .setTlsSocketStrategy(tls(settings))
                .setMaxConnTotal(MAX_TOTAL)
                .setMaxConnPerRoute(MAX_PER_ROUTE)
                .build();
        var builder = HttpClients.custom()
                .setConnectionManager(connections)
                // The fetcher owns retries and backoff (with the server's Retry-After): no hidden retries here.
                .disableAutomaticRetries()
                .evictIdleConnections(TimeValue.ofMinutes(1));
        if (!settings.proxy().isEmpty()) {
            try {
                builder.setProxy(HttpHost.create(settings.proxy()));
            } catch (java.net.URISyntaxException e) {
                throw new IOException("proxy must look like http://host:port", e);
            }
        }
        return builder.build();
    }

    private static TlsSocketStrategy tls(HttpClientSettings settings) throws IOException {
        SSLContextBuilder context = SSLContexts.custom();
        if (!settings.clientCert().isEmpty()) {
            clientKey(context, settings);
        }
        if (!settings.verifyTls()) {
            LOG.warn("TLS verification is off for some inputs (verify_tls = false): their servers are not"
                    + " authenticated");
            return ClientTlsStrategyBuilder.create()
                    .setSslContext(build(context, () -> context.loadTrustMaterial(null, (chain, authType) -> true)))
                    .setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT)
                    .setHostnameVerifier(NoopHostnameVerifier.INSTANCE)
                    .buildClassic();
        }
        if (!settings.caFile().isEmpty()) {
            KeyStore cas = trusting(Path.of(settings.caFile()));
            return ClientTlsStrategyBuilder.create().setSslContext(build(context,
                    () -> context.loadTrustMaterial(cas, null))).buildClassic();
        }
        if (!settings.clientCert().isEmpty()) {
            return ClientTlsStrategyBuilder.create().setSslContext(build(context, () -> { })).buildClassic();
        }
        return DefaultClientTlsStrategy.createSystemDefault();
    }

    /** What adds trust material to a context; may fail like the JDK's key store calls do. */
    private interface TrustStep {
        void apply() throws GeneralSecurityException;
    }

    private static SSLContext build(SSLContextBuilder context, TrustStep trust) throws IOException {
        try {
            trust.apply(); // none added: the JVM's default CAs
            return context.build();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The client's key and certificate for servers that ask for one (e.g. a MISP behind mutual TLS). */
    private static void clientKey(SSLContextBuilder context, HttpClientSettings settings) throws IOException {
        char[] password = settings.clientCertPassword().toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(settings.clientCert()))) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, password);
            context.loadKeyMaterial(keys, password);
        } catch (GeneralSecurityException | IOException e) {
            // the message names the file only: the password is never part of it
            throw new IOException("client_cert " + settings.clientCert() + " is not a PKCS#12 file this password "
                    + "opens", e);
        }
    }

    /** A context trusting only the CAs of a PEM file, like {@code curl --cacert}. */
    private static KeyStore trusting(Path pemFile) throws IOException {
        try (InputStream in = Files.newInputStream(pemFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + index++, certificate);
            }
            if (index == 0) {
                throw new IOException("ca_file " + pemFile + " holds no certificate");
            }
            return store;
        } catch (GeneralSecurityException e) {
            throw new IOException("ca_file " + pemFile + " is not a PEM file of certificates", e);
        }
    }

    /** Closes every client and its connections; later requests fail. */
    @Override
    public synchronized void close() {
        closed = true;
        clients.values().forEach(client -> client.close(CloseMode.GRACEFUL));
        clients.clear();
    }
}
