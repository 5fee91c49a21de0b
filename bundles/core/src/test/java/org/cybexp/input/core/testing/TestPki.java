package org.cybexp.input.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway PKI made with the JDK's {@code keytool} for loopback TLS tests: a CA; a server (RSA, for
 * 127.0.0.1) and a client (EC) whose certificates it signed; and a stranger client with a self-signed
 * certificate. Everything the inputs' keys take: PEM CA, PEM chain, PEM keys (PKCS#8 and PKCS#1), PKCS#12.
 *
 * @param dir where the files are
 * @param caPem the CA certificate, PEM ({@code ca_file}, {@code tls_ca})
 * @param serverP12 the server's key and chain, PKCS#12 with {@link #PASSWORD}
 * @param serverChainPem the server's certificate and the CA's, PEM ({@code tls_cert})
 * @param serverKey the server's RSA private key, decoded (PKCS#8 DER)
 * @param clientP12 the client's key and chain signed by the CA, PKCS#12 ({@code client_cert})
 * @param strangerP12 a client key with a self-signed certificate, PKCS#12
 */
public record TestPki(Path dir, Path caPem, Path serverP12, Path serverChainPem, PrivateKey serverKey,
        Path clientP12, Path strangerP12) {

    /** The password of every PKCS#12 file here. */
    public static final String PASSWORD = "p12-s3cret-Zq";

    /** Makes the files in {@code dir}; takes a few seconds (keytool), so make it once per test class. */
    public static TestPki create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Path all = dir.resolve("all.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Test CA",
                "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12", "-keystore", all.toString(), "-storepass",
                PASSWORD, "-keypass", PASSWORD);
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-signer", "ca", "-signerkeypass", PASSWORD, "-validity", "2",
                "-keystore", all.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=cybexp-client", "-signer", "ca", "-signerkeypass", PASSWORD, "-validity", "2", "-keystore",
                all.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        Path stranger = dir.resolve("stranger.p12");
        keytool("-genkeypair", "-alias", "stranger", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=stranger", "-validity", "2", "-storetype", "PKCS12", "-keystore", stranger.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        KeyStore keys = load(all);
        Path caPem = Files.writeString(dir.resolve("ca.pem"), pem("CERTIFICATE", keys.getCertificate("ca")
                .getEncoded()));
        StringBuilder chain = new StringBuilder();
        for (Certificate certificate : keys.getCertificateChain("server")) {
            chain.append(pem("CERTIFICATE", certificate.getEncoded()));
        }
        Path chainPem = Files.writeString(dir.resolve("server-chain.pem"), chain);
        return new TestPki(dir, caPem, only(keys, "server", dir.resolve("server.p12")), chainPem,
                (PrivateKey) keys.getKey("server", PASSWORD.toCharArray()), only(keys, "client",
                        dir.resolve("client.p12")), stranger);
    }

    /** A PEM block of DER bytes, e.g. {@code pem("PRIVATE KEY", key.getEncoded())}. */
    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** A TLS context of the key and chain of a PKCS#12 file (or none) that trusts only the CA. */
    public SSLContext context(Path p12) throws IOException, GeneralSecurityException {
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore cas = KeyStore.getInstance("PKCS12");
        cas.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            cas.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        trust.init(cas);
        SSLContext context = SSLContext.getInstance("TLS");
        if (p12 == null) {
            context.init(null, trust.getTrustManagers(), null);
        } else {
            managers.init(load(p12), PASSWORD.toCharArray());
            context.init(managers.getKeyManagers(), trust.getTrustManagers(), null);
        }
        return context;
    }

    /** A PKCS#12 file holding only one entry of the store, with its chain. */
    private static Path only(KeyStore all, String alias, Path file) throws IOException, GeneralSecurityException {
        KeyStore one = KeyStore.getInstance("PKCS12");
        one.load(null, null);
        Key key = all.getKey(alias, PASSWORD.toCharArray());
        one.setKeyEntry(alias, key, PASSWORD.toCharArray(), all.getCertificateChain(alias));
        try (var out = Files.newOutputStream(file)) {
            one.store(out, PASSWORD.toCharArray());
        }
        return file;
    }

    private static KeyStore load(Path p12) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }
}
