package org.cybexp.input.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import org.cybexp.input.api.Secret;
import org.cybexp.input.delivery.sink.ApiEndpoint;
import org.cybexp.input.delivery.sink.ApiSink;
import org.cybexp.input.delivery.store.EventRecord;
import org.cybexp.input.delivery.store.StoredEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API client over TLS, against a loopback HTTPS server whose self-signed certificate names only 127.0.0.1:
 * the CA file is trusted, the JVM's CAs are not enough, the host name is checked, and verify_tls false takes any.
 */
class ApiSinkTlsTest {

    private static final String TOKEN = "tok-tls-5ecret";
    private static final String PASSWORD = "test-store-pw";
    private static final StoredEvent EVENT = new StoredEvent(1,
            EventRecord.of("main", "org1", "phishtank", "UTC", "application/json", "{}".getBytes()));

    @TempDir
    static Path dir;
    private static Path certPem;
    private static HttpsServer server;

    @BeforeAll
    static void start() throws Exception {
        Path store = dir.resolve("server.p12");
        certPem = dir.resolve("server.pem");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", store.toString(), "-storepass", PASSWORD,
                "-file", certPem.toString());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/api/v1.0/raw", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] answer = "{\"message\": \"Data posted successfully\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @Test
    void theCaFileIsTrusted() throws Exception {
        try (ApiSink sink = sink("127.0.0.1", true, certPem)) {
            assertEquals(201, sink.deliver(EVENT).status());
            assertEquals(201, sink.deliver(EVENT).status()); // and again over the kept connection
        }
    }

    @Test
    void theJvmsCasDoNotTrustIt() throws Exception {
        try (ApiSink sink = sink("127.0.0.1", true, null)) {
            IOException e = assertThrows(IOException.class, () -> sink.deliver(EVENT));
            assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
        try (ApiSink sink = sink("localhost", true, certPem)) { // localhost is 127.0.0.1, the certificate's only name
            assertThrows(IOException.class, () -> sink.deliver(EVENT));
        }
    }

    @Test
    void withoutVerificationAnyCertificateAndHostIsTaken() throws Exception {
        try (ApiSink sink = sink("localhost", false, null)) {
            assertEquals(201, sink.deliver(EVENT).status());
        }
    }

    private static ApiSink sink(String host, boolean verify, Path caFile) throws Exception {
        URI url = URI.create("https://" + host + ":" + server.getAddress().getPort() + "/api/v1.0/raw");
        return ApiSink.create(new ApiEndpoint(url, Secret.of(TOKEN), Duration.ofSeconds(5), 2, verify, caFile),
                Clock.systemUTC());
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }
}
