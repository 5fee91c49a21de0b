package org.cybexp.input.core.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates of a PEM file (one or more {@code BEGIN CERTIFICATE} blocks) as trust material that trusts
 * only them, like {@code curl --cacert}. Messages name the file, never its content, and leave the configuration
 * key to the caller (e.g. {@code "ca_file " + e.getMessage()}).
 */
public final class PemTrust {

    private PemTrust() {
    }

    /**
     * The certificates of a PEM file, in file order (for a chain: the leaf first).
     *
     * @throws IOException if the file cannot be read, is not PEM certificates, or holds none
     */
    public static List<X509Certificate> certificates(Path pemFile) throws IOException {
        List<X509Certificate> certificates;
        try (InputStream in = Files.newInputStream(pemFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (CertificateException e) {
            throw new IOException("'" + pemFile + "' is not a PEM file of certificates", e);
        } catch (IOException e) {
            throw new IOException("'" + pemFile + "' cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new IOException("'" + pemFile + "' holds no certificate");
        }
        return certificates;
    }

    /** A key store holding the certificates of a PEM file as trusted entries. */
    private static KeyStore keyStore(Path pemFile) throws IOException {
        List<X509Certificate> certificates = certificates(pemFile);
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca" + i, certificates.get(i));
            }
            return store;
        } catch (GeneralSecurityException e) {
            throw new IOException("'" + pemFile + "' cannot be made a trust store: " + e.getMessage(), e);
        }
    }

    /** Trust managers that trust only the certificates of a PEM file, and what they sign. */
    public static TrustManager[] trustManagers(Path pemFile) throws IOException {
        KeyStore store = keyStore(pemFile);
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("'" + pemFile + "' cannot be trusted: " + e.getMessage(), e);
        }
    }
}
