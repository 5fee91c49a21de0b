package org.cybexp.input.delivery.sink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.SSLContext;

import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.client5.http.ssl.TrustAllStrategy;
import org.apache.hc.core5.ssl.SSLContexts;

/** The TLS settings of the API client: the JVM's trust store, a given CA file, or (for test servers) none. */
final class TlsStrategies {

    private TlsStrategies() {
    }

    static TlsSocketStrategy of(boolean verify, Path caFile) throws IOException, GeneralSecurityException {
        if (!verify) {
            SSLContext trustAll = SSLContexts.custom().loadTrustMaterial(TrustAllStrategy.INSTANCE).build();
            return ClientTlsStrategyBuilder.create().setSslContext(trustAll)
                    .setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT)
                    .setHostnameVerifier(NoopHostnameVerifier.INSTANCE).buildClassic();
        }
        SSLContext context = caFile == null ? SSLContexts.createSystemDefault()
                : SSLContexts.custom().loadTrustMaterial(trustStore(caFile), null).build();
        return ClientTlsStrategyBuilder.create().setSslContext(context).buildClassic();
    }

    private static KeyStore trustStore(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + i++, certificate);
            }
            if (i == 0) {
                throw new GeneralSecurityException("no certificate in " + caFile);
            }
        }
        return store;
    }
}
