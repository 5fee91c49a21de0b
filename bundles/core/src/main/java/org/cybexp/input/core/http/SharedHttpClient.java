package org.cybexp.input.core.http;

import java.io.IOException;
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
        if (ClientTls.usesDefaults(settings)) {
            return DefaultClientTlsStrategy.createSystemDefault();
        }
        SSLContext context = ClientTls.context(settings);
        if (!settings.verifyTls()) {
            LOG.warn("TLS verification is off for some inputs (verify_tls = false): their servers are not"
                    + " authenticated");
            return ClientTlsStrategyBuilder.create()
                    .setSslContext(context)
                    .setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT)
                    .setHostnameVerifier(NoopHostnameVerifier.INSTANCE)
                    .buildClassic();
        }
        return ClientTlsStrategyBuilder.create().setSslContext(context).buildClassic();
    }

    /** Closes every client and its connections; later requests fail. */
    @Override
    public synchronized void close() {
        closed = true;
        clients.values().forEach(client -> client.close(CloseMode.GRACEFUL));
        clients.clear();
    }
}
