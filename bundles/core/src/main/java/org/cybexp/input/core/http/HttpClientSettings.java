package org.cybexp.input.core.http;

/**
 * The settings that need a client of their own; inputs with equal settings share one pooled client.
 *
 * @param verifyTls false trusts every certificate and host name
 * @param caFile a PEM file of the only CAs to trust, or empty for the system's
 * @param proxy {@code http://host:port}, or empty for none
 */
public record HttpClientSettings(boolean verifyTls, String caFile, String proxy) {

    public static final HttpClientSettings DEFAULT = new HttpClientSettings(true, "", "");
}
