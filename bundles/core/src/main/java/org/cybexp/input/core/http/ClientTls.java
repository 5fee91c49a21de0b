package org.cybexp.input.core.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.cybexp.input.core.tls.PemTrust;

/**
 * The client TLS context of an input's settings, the same for the shared HTTP client and for plugins that
 * connect themselves ({@code Network.clientTls()}): the JVM's CAs, only those of {@code ca_file}, or none at all
 * with {@code verify_tls = false}; the key and certificate of {@code client_cert} when one is configured.
 * Messages name the key and file, never the password.
 */
public final class ClientTls {

    private ClientTls() {
    }

    /** Whether these settings need nothing but the JVM's defaults. */
    public static boolean usesDefaults(HttpClientSettings settings) {
        return settings.verifyTls() && settings.caFile().isEmpty() && settings.clientCert().isEmpty();
    }

    /** @throws IOException if {@code ca_file} or {@code client_cert} cannot be used */
    public static SSLContext context(HttpClientSettings settings) throws IOException {
        KeyManager[] keys = settings.clientCert().isEmpty() ? null
                : clientKey(Path.of(settings.clientCert()), settings.clientCertPassword());
        TrustManager[] trust = null; // the JVM's CAs
        if (!settings.verifyTls()) {
            trust = new TrustManager[] {TrustEverything.INSTANCE};
        } else if (!settings.caFile().isEmpty()) {
            try {
                trust = PemTrust.trustManagers(Path.of(settings.caFile()));
            } catch (IOException e) {
                throw new IOException("ca_file " + e.getMessage(), e);
            }
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * The key managers of a PKCS#12 file with the client's key and certificate (e.g. for a MISP behind mutual
     * TLS); the key's password is the file's.
     *
     * @throws IOException if the file cannot be read or the password does not open it; the message names
     *         {@code client_cert} and the file only
     */
    public static KeyManager[] clientKey(Path p12, String password) throws IOException {
        char[] secret = password.toCharArray();
        try (InputStream in = Files.newInputStream(p12)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, secret);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, secret);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            // the cause's message says "password incorrect" or the like, never the password
            throw new IOException("client_cert " + p12 + " is not a PKCS#12 file this password opens", e);
        }
    }
}
