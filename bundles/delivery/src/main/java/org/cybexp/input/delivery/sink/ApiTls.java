package org.cybexp.input.delivery.sink;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

import org.apache.hc.core5.ssl.SSLContexts;
import org.cybexp.input.core.tls.PemTrust;

/**
 * The TLS of the API client: the JVM's trust store, a given CA file, or (verify_tls false, test servers only) any
 * certificate. The host name is checked by the JDK during the handshake ({@link ApiConnections}) unless
 * verify_tls is false.
 */
final class ApiTls {

    private ApiTls() {
    }

    static SSLSocketFactory sockets(boolean verify, Path caFile) throws IOException, GeneralSecurityException {
        if (!verify) {
            return SSLContexts.custom().loadTrustMaterial((chain, authType) -> true).build().getSocketFactory();
        }
        SSLContext context = caFile == null ? SSLContexts.createSystemDefault() : trusting(caFile);
        return context.getSocketFactory();
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
