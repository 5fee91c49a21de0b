package org.cybexp.input.delivery;

import java.time.Duration;

/**
 * The {@code cybexp.api} configuration as plain values, so tests can build one.
 *
 * @param url the /raw endpoint; blank for the local archive
 * @param token the token as configured: the value, {@code ${env:NAME}} or {@code ${file:/path}}
 */
record SinkSettings(String url, String token, Duration timeout, int maxConnections, boolean verifyTls,
        String caFile) {

    static SinkSettings of(ApiConfig config) {
        return new SinkSettings(config.url().trim(), config.token().trim(),
                Duration.ofSeconds(Math.max(1, config.timeout())), Math.max(1, config.max__connections()),
                config.verify__tls(), config.ca__file().trim());
    }

    /** The local archive, as with no configuration at all. */
    static SinkSettings archive() {
        return new SinkSettings("", "", Duration.ofSeconds(30), 4, true, "");
    }

    @Override
    public String toString() {
        return "SinkSettings[url=" + url + ", token=" + (token.isEmpty() ? "" : "***") + ", timeout=" + timeout
                + ", maxConnections=" + maxConnections + ", verifyTls=" + verifyTls + ", caFile=" + caFile + "]";
    }
}
