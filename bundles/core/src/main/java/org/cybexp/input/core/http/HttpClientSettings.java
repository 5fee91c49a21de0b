package org.cybexp.input.core.http;

/**
 * The settings that need a client of their own; inputs with equal settings share one pooled client.
 *
 * @param verifyTls false trusts every certificate and host name
 * @param caFile a PEM file of the only CAs to trust, or empty for the system's
 * @param proxy {@code http://host:port}, or empty for none
 * @param clientCert a PKCS#12 file with the client's key and certificate (TLS client authentication), or empty
 * @param clientCertPassword the password of {@code clientCert}; never printed
 */
public record HttpClientSettings(boolean verifyTls, String caFile, String proxy, String clientCert,
        String clientCertPassword) {

    public static final HttpClientSettings DEFAULT = new HttpClientSettings(true, "", "");

    public HttpClientSettings(boolean verifyTls, String caFile, String proxy) {
        this(verifyTls, caFile, proxy, "", "");
    }

    @Override
    public String toString() {
        return "HttpClientSettings[verifyTls=" + verifyTls + ", caFile=" + caFile + ", proxy=" + proxy
                + ", clientCert=" + clientCert + ", clientCertPassword=" + (clientCertPassword.isEmpty() ? "" : "***")
                + "]";
    }
}
