package org.cybexp.input.delivery.sink;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import javax.net.ssl.SSLContext;

import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.client5.http.ssl.TrustAllStrategy;
import org.apache.hc.core5.ssl.SSLContexts;
import org.cybexp.input.core.tls.PemTrust;

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
        SSLContext context = caFile == null ? SSLContexts.createSystemDefault() : trusting(caFile);
        return ClientTlsStrategyBuilder.create().setSslContext(context).buildClassic();
    }

    /** Only the CAs of the file, read as the core reads every input's {@code ca_file}. */
    private static SSLContext trusting(Path caFile) throws IOException, GeneralSecurityException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, PemTrust.trustManagers(caFile), null);
            return context;
        } catch (IOException e) {
            throw new IOException("ca_file " + e.getMessage(), e);
        }
    }
}
