package org.cybexp.input.core.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.cybexp.input.api.ClientAuth;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.core.tls.PemTrust;

/**
 * The server TLS keys of an input, for plugins that listen: a certificate chain and key as PEM
 * ({@code tls_cert}, {@code tls_key}) or a PKCS#12 key store ({@code tls_keystore},
 * {@code tls_keystore_password}), the CAs of client certificates ({@code tls_ca}) and whether clients must show
 * one ({@code tls_client_auth}). {@link #of} reads every file once, so a bad one is refused with the
 * configuration; the contexts are built later, by {@link InputNetwork}.
 *
 * @param certFile PEM certificate chain, the server's first; empty with a key store or without server TLS
 * @param keyFile PEM private key of {@code certFile}
 * @param keystore PKCS#12 file with the key and chain, instead of {@code certFile} and {@code keyFile}
 * @param keystorePassword the password of {@code keystore} and its key; never printed
 * @param caFile PEM CAs that sign accepted client certificates, or empty for the JVM's
 * @param clientAuth whether clients are asked for a certificate
 */
public record ServerTlsSettings(String certFile, String keyFile, String keystore, String keystorePassword,
        String caFile, ClientAuth clientAuth) {

    public static final ServerTlsSettings NONE = new ServerTlsSettings("", "", "", "", "", ClientAuth.NONE);

    /** @throws InvalidConfigException naming the first bad key; never a password or a byte of a key */
    public static ServerTlsSettings of(InputConfig config) throws InvalidConfigException {
        ServerTlsSettings settings = new ServerTlsSettings(config.getString("tls_cert", ""),
                config.getString("tls_key", ""), config.getString("tls_keystore", ""),
                config.getString("tls_keystore_password", ""), config.getString("tls_ca", ""), clientAuth(config));
        settings.check();
        return settings;
    }

    /** Whether a server certificate is configured. */
    public boolean configured() {
        return !certFile.isEmpty() || !keystore.isEmpty();
    }

    private void check() throws InvalidConfigException {
        if (!certFile.isEmpty() && !keystore.isEmpty()) {
            throw new InvalidConfigException("tls_keystore", "give either tls_cert with tls_key, or tls_keystore,"
                    + " not both");
        }
        if (certFile.isEmpty() != keyFile.isEmpty()) {
            String missing = certFile.isEmpty() ? "tls_cert" : "tls_key";
            throw new InvalidConfigException(missing, "is required with " + (certFile.isEmpty() ? "tls_key"
                    : "tls_cert"));
        }
        if (configured()) {
            ServerKeys.of(this); // reads and matches the key and certificate now, not at the first connection
        }
        if (!caFile.isEmpty()) {
            readable("tls_ca", caFile);
            try {
                PemTrust.certificates(Path.of(caFile));
            } catch (IOException e) {
                throw new InvalidConfigException("tls_ca", e.getMessage());
            }
        }
    }

    static void readable(String key, String file) throws InvalidConfigException {
        if (!Files.isReadable(Path.of(file))) {
            throw new InvalidConfigException(key, "'" + file + "' is not a readable file");
        }
    }

    private static ClientAuth clientAuth(InputConfig config) throws InvalidConfigException {
        String value = config.getString("tls_client_auth", "none").trim();
        try {
            return ClientAuth.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("tls_client_auth", "must be none, want or need, got '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return "ServerTlsSettings[certFile=" + certFile + ", keyFile=" + keyFile + ", keystore=" + keystore
                + ", keystorePassword=" + (keystorePassword.isEmpty() ? "" : "***") + ", caFile=" + caFile
                + ", clientAuth=" + clientAuth + "]";
    }
}
