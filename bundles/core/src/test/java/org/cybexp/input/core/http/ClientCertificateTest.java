package org.cybexp.input.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import org.cybexp.input.api.HttpRequest;
import org.cybexp.input.api.HttpResult;
import org.cybexp.input.api.PersistentState;
import org.cybexp.input.core.fetch.FetchResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS client authentication (client_cert, client_cert_password) against a loopback HTTPS server that requires
 * a client certificate, with certificates made by the JDK's keytool.
 */
class ClientCertificateTest {

    private static final String PASSWORD = "s3cret-p12";

    @TempDir
    static Path dir;

    private static final SharedHttpClient shared = new SharedHttpClient();
    private static HttpsServer server;
    private static Path serverPem;
    private static Path clientP12;

    /** Once for the class: keytool is slow. */
    @BeforeAll
    static void mutualTlsServer() throws Exception {
        Path serverP12 = dir.resolve("server.p12");
        clientP12 = dir.resolve("client.p12");
        serverPem = dir.resolve("server.pem");
        Path clientPem = dir.resolve("client.pem");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                serverP12.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", serverP12.toString(), "-storepass", PASSWORD,
                "-file", serverPem.toString());
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=cybexp-input", "-validity", "2", "-storetype", "PKCS12", "-keystore", clientP12.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "client", "-keystore", clientP12.toString(), "-storepass", PASSWORD,
                "-file", clientPem.toString());
        Path serverTrust = dir.resolve("server-trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "client", "-file", clientPem.toString(), "-storetype",
                "PKCS12", "-keystore", serverTrust.toString(), "-storepass", PASSWORD);

        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(serverP12), PASSWORD.toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(serverTrust));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = tls.getDefaultSSLParameters();
                parameters.setNeedClientAuth(true);
                params.setSSLParameters(parameters);
            }
        });
        server.createContext("/events", exchange -> {
            byte[] body = "{\"response\": []}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        shared.close();
    }

    @Test
    void theClientCertificateOpensAServerThatRequiresOne() throws Exception {
        try (HttpResult answer = access(new HttpClientSettings(true, serverPem.toString(), "", clientP12.toString(),
                PASSWORD)).send(HttpRequest.get(uri()))) {
            assertEquals(200, answer.status());
        }
    }

    @Test
    void withoutOneTheServerRefusesTheHandshake() {
        assertThrows(IOException.class, () -> access(new HttpClientSettings(true, serverPem.toString(), ""))
                .send(HttpRequest.get(uri())).close());
    }

    @Test
    void aWrongPasswordIsAClearErrorThatDoesNotShowThePassword() {
        HttpClientSettings settings = new HttpClientSettings(true, serverPem.toString(), "", clientP12.toString(),
                "wrong-pass-7");
        IOException e = assertThrows(IOException.class, () -> access(settings).send(HttpRequest.get(uri())));
        assertTrue(e.getMessage().contains("client_cert"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-pass-7"));
        assertFalse(settings.toString().contains("wrong-pass-7"));
    }

    private InputHttpAccess access(HttpClientSettings settings) {
        return new InputHttpAccess(shared, new InputHttpSettings(settings, "ua-test/1", Duration.ofSeconds(10)),
                new MemoryState(), new FetchResources(), Clock.systemUTC());
    }

    private URI uri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/events");
    }

    private static KeyStore load(Path p12) throws Exception {
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
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }

    /** State for one request; validators are not used here. */
    private static final class MemoryState implements PersistentState {
        private final java.util.Map<String, String> values = new java.util.HashMap<>();

        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(values.get(key));
        }

        @Override
        public void put(String key, String value) {
            values.put(key, value);
        }

        @Override
        public void remove(String key) {
            values.remove(key);
        }
    }
}
