package org.cybexp.input.core.network;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.core.tls.PemTrust;

/**
 * The key managers of a listener's certificate, from PEM files or a PKCS#12 key store. A PEM key must belong
 * to the first certificate of its chain: a mismatch is found here, not by the first client's failed handshake.
 */
final class ServerKeys {

    /** Protects the key only inside the in-memory store the JDK's key manager reads; not a secret. */
    private static final char[] IN_MEMORY = "in-memory".toCharArray();
    private static final byte[] PROBE = "cybexp-input tls_key matches tls_cert".getBytes(StandardCharsets.US_ASCII);

    private ServerKeys() {
    }

    /** @throws InvalidConfigException naming the key of the file that cannot be used */
    static KeyManager[] of(ServerTlsSettings settings) throws InvalidConfigException {
        if (settings.keystore().isEmpty()) {
            return managers(fromPem(settings.certFile(), settings.keyFile()), IN_MEMORY, "tls_key");
        }
        ServerTlsSettings.readable("tls_keystore", settings.keystore());
        char[] password = settings.keystorePassword().toCharArray();
        return managers(fromPkcs12(Path.of(settings.keystore()), password), password, "tls_keystore");
    }

    private static KeyStore fromPem(String certFile, String keyFile) throws InvalidConfigException {
        ServerTlsSettings.readable("tls_cert", certFile);
        ServerTlsSettings.readable("tls_key", keyFile);
        List<X509Certificate> chain;
        try {
            chain = PemTrust.certificates(Path.of(certFile));
        } catch (IOException e) {
            throw new InvalidConfigException("tls_cert", e.getMessage());
        }
        PrivateKey key = PemPrivateKey.read(Path.of(keyFile));
        if (!matches(key, chain.get(0))) {
            throw new InvalidConfigException("tls_key", "'" + keyFile + "' is not the key of the first certificate"
                    + " in tls_cert '" + certFile + "'");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, IN_MEMORY, chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new InvalidConfigException("tls_key", "'" + keyFile + "' cannot be used with tls_cert '" + certFile
                    + "'");
        }
    }

    private static KeyStore fromPkcs12(Path file, char[] password) throws InvalidConfigException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return store;
                }
            }
            throw new InvalidConfigException("tls_keystore", "'" + file + "' holds no private key");
        } catch (GeneralSecurityException | IOException e) {
            throw new InvalidConfigException("tls_keystore", "'" + file + "' is not a PKCS#12 file that"
                    + " tls_keystore_password opens");
        }
    }

    private static KeyManager[] managers(KeyStore store, char[] password, String key) throws InvalidConfigException {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new InvalidConfigException(key, "the private key cannot be opened"
                    + ("tls_keystore".equals(key) ? " with tls_keystore_password" : ""));
        }
    }

    /** Signs a probe with the key and checks it with the certificate's public key. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true; // an algorithm we cannot probe: the handshake will tell
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an EC key against an RSA certificate
        }
    }
}
