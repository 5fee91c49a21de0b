package org.cybexp.input.source.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.cybexp.input.api.SourceException;

/**
 * The TLS trust of a {@code wss} connection, with the same meaning as the core's HTTP settings: the system's
 * CAs by default, only the CAs of {@code ca_file} when given (like {@code curl --cacert}), or no verification
 * at all when {@code verify_tls} is false (certificate and host name unchecked).
 */
final class TlsTrust {

    private TlsTrust() {
    }

    /** The SSL context for these settings. Read at each connection, so a renewed CA file is picked up. */
    static SSLContext context(boolean verify, Optional<Path> caFile) throws SourceException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            if (!verify) {
                context.init(null, new TrustManager[] {new TrustEverything()}, null);
            } else if (caFile.isPresent()) {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trustStore(caFile.get()));
                context.init(null, factory.getTrustManagers(), null);
            } else {
                context.init(null, null, null);
            }
            return context;
        } catch (GeneralSecurityException e) {
            throw new SourceException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static KeyStore trustStore(Path pemFile) throws SourceException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pemFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new SourceException("ca_file " + pemFile + " is not a PEM file of certificates", e);
        }
        if (certificates.isEmpty()) {
            throw new SourceException("ca_file " + pemFile + " holds no certificate");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int i = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca-" + i++, certificate);
        }
        return store;
    }

    /** verify_tls = false: the user chose to accept any certificate (self-signed test relays). */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // never asked: this side is the client
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // deliberately trusting: verify_tls = false
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
