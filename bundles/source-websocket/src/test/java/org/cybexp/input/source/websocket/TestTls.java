package org.cybexp.input.source.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throwaway self-signed certificates for {@code wss} tests, made with the JDK's {@code keytool}: the server's,
 * naming only {@code localhost} (so a connection to {@code 127.0.0.1} fails host name verification), as a PEM
 * file for {@code ca_file}; and a client's, as a PKCS#12 file for {@code client_cert}, which the mutual-TLS
 * server trusts and requires.
 *
 * @param server the TLS context presenting the server certificate
 * @param mutual the same, trusting the client's certificate (a server started with it requires one)
 * @param caPem the server certificate, PEM
 * @param clientP12 the client's key and certificate, PKCS#12 with {@link #PASSWORD}
 */
record TestTls(SSLContext server, SSLContext mutual, Path caPem,
        Path clientP12) {

    static final String PASSWORD = "changeit-client-9";

    static TestTls create(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Path store = dir.resolve("server.p12");
        Path pem = dir.resolve("ca.pem");
        Path client = dir.resolve("client.p12");
        keytool("-genkeypair", "-alias", "ws", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ws", "-keystore", store.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=ws-client", "-validity", "2", "-storetype", "PKCS12", "-keystore", client.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(load(store), PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        // the mutual server trusts exactly the client's certificate (its own CA: it is self-signed)
        KeyStore clients = KeyStore.getInstance("PKCS12");
        clients.load(null, null);
        clients.setCertificateEntry("client", load(client).getCertificate("client"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(clients);
        SSLContext mutual = SSLContext.getInstance("TLS");
        mutual.init(managers.getKeyManagers(), trust.getTrustManagers(), null);
        return new TestTls(context, mutual, pem, client);
    }

    private static KeyStore load(Path p12) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        return keys;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }
}
