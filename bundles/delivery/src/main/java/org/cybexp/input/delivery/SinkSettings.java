package org.cybexp.input.delivery;

import java.time.Duration;

/**
 * The {@code cybexp.api} configuration as plain values, so tests can build one.
 *
 * @param url the /raw endpoint; blank for the local archive
 * @param token the token as configured: the value, {@code ${env:NAME}} or {@code ${file:/path}}
 */
record SinkSettings(String url, String token, Duration timeout, int maxConnections, boolean verifyTls,
        String caFile, int maxInFlight) {

    static final int DEFAULT_MAX_IN_FLIGHT = 8;

    /** With the default window of posts in flight per input. */
    SinkSettings(String url, String token, Duration timeout, int maxConnections, boolean verifyTls, String caFile) {
        this(url, token, timeout, maxConnections, verifyTls, caFile, DEFAULT_MAX_IN_FLIGHT);
    }

    static SinkSettings of(ApiConfig config) {
        return new SinkSettings(config.url().trim(), config.token().trim(),
                Duration.ofSeconds(Math.max(1, config.timeout())), Math.max(0, config.max__connections()),
                config.verify__tls(), config.ca__file().trim(), Math.max(1, config.max__in__flight()));
    }

    /** The local archive, as with no configuration at all. */
    static SinkSettings archive() {
        return new SinkSettings("", "", Duration.ofSeconds(30), 0, true, "");
    }

    /**
     * The pool size for this many inputs: max_connections when set, else max_in_flight for each, so that no
     * post waits for a connection.
     */
    int connectionsFor(int inputs) {
        return maxConnections > 0 ? maxConnections : maxInFlight * Math.max(1, inputs);
    }

    @Override
    public String toString() {
        return "SinkSettings[url=" + url + ", token=" + (token.isEmpty() ? "" : "***") + ", timeout=" + timeout
                + ", maxConnections=" + maxConnections + ", verifyTls=" + verifyTls + ", caFile=" + caFile
                + ", maxInFlight=" + maxInFlight + "]";
    }
}
