package org.cybexp.input.core.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.SSLHandshakeException;

import org.cybexp.input.api.ClientAuth;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.Network;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.core.config.CoreInputSettings;
import org.cybexp.input.core.testing.Configs;
import org.cybexp.input.core.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An input's {@link Network} from its keys, against loopback TLS peers with certificates made by keytool: the
 * client trusts {@code ca_file} and presents {@code client_cert}; a listener serves its certificate from PEM
 * (PKCS#8 or PKCS#1 key) or PKCS#12 and, with {@code need}, accepts only clients signed by {@code tls_ca}; bad
 * files are refused with the configuration, naming the key and never a secret.
 */
class InputNetworkTest {

    private static final String PASSWORD = TestPki.PASSWORD;

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static Path pkcs8Key;
    private static Path pkcs1Key;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(dir);
        pkcs8Key = Files.writeString(dir.resolve("server-pkcs8.key"), TestPki.pem("PRIVATE KEY",
                pki.serverKey().getEncoded()));
        pkcs1Key = Files.writeString(dir.resolve("server-pkcs1.key"), TestPki.pem("RSA PRIVATE KEY",
                PemPrivateKeyTest.pkcs1(pki.serverKey())));
    }

    private static Network network(String... keyValues) throws InvalidConfigException {
        CoreInputSettings settings = CoreInputSettings.of(Configs.input("tls", 60, keyValues));
        return new InputNetwork(settings.http(), settings.tls());
    }

    private static InvalidConfigException refused(String... keyValues) {
        return assertThrows(InvalidConfigException.class, () -> network(keyValues));
    }

    // ---- client ----------------------------------------------------------------------------------------------

    @Test
    void theServerIsTrustedThroughTheCaFile() throws Exception {
        Network network = network("ca_file", pki.caPem().toString());
        try (LoopbackTlsServer server = new LoopbackTlsServer(pki.context(pki.serverP12()), ClientAuth.NONE)) {
            server.connect(network.clientTls(), network.verifyHostname());
            assertEquals("none", server.nextOutcome());
        }
        assertSame(network.clientTls(), network.clientTls());
    }

    @Test
    void withTheJvmsCasATestServerIsRefused() throws Exception {
        Network network = network();
        try (LoopbackTlsServer server = new LoopbackTlsServer(pki.context(pki.serverP12()), ClientAuth.NONE)) {
            assertThrows(SSLHandshakeException.class, () -> server.connect(network.clientTls(), true));
        }
    }

    @Test
    void verifyTlsFalseTrustsAnyServerAndSkipsTheHostName() throws Exception {
        Network network = network("verify_tls", "false");
        try (LoopbackTlsServer server = new LoopbackTlsServer(pki.context(pki.serverP12()), ClientAuth.NONE)) {
            server.connect(network.clientTls(), network.verifyHostname());
            assertEquals("none", server.nextOutcome());
        }
        assertFalse(network.verifyHostname());
    }

    @Test
    void theClientCertificateIsPresentedToAServerThatRequiresOne() throws Exception {
        Network network = network("ca_file", pki.caPem().toString(), "client_cert", pki.clientP12().toString(),
                "client_cert_password", PASSWORD);
        try (LoopbackTlsServer server = new LoopbackTlsServer(pki.context(pki.serverP12()), ClientAuth.NEED)) {
            server.connect(network.clientTls(), true);
            assertEquals("CN=cybexp-client", server.nextOutcome());
        }
    }

    @Test
    void withoutAClientCertificateSuchAServerRefusesTheClient() throws Exception {
        Network network = network("ca_file", pki.caPem().toString());
        try (LoopbackTlsServer server = new LoopbackTlsServer(pki.context(pki.serverP12()), ClientAuth.NEED)) {
            assertThrows(IOException.class, () -> server.connect(network.clientTls(), true));
            assertTrue(server.nextOutcome().startsWith("failed"));
        }
    }

    @Test
    void proxyUserAgentAndTimeoutComeFromTheKeys() throws Exception {
        Network network = network("proxy", "http://127.0.0.1:3128", "user_agent", "feed-reader/2",
                "http_timeout", "7");

        assertEquals(Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", 3128)), network.proxy());
        assertEquals("feed-reader/2", network.userAgent());
        assertEquals(Duration.ofSeconds(7), network.timeout());
        assertEquals(Optional.empty(), network().proxy());
        assertEquals(CoreInputSettings.DEFAULT_USER_AGENT, network().userAgent());
    }

    // ---- server ----------------------------------------------------------------------------------------------

    @Test
    void aListenerServesPemWithAPkcs8KeyAndNeedsClientsSignedByTlsCa() throws Exception {
        assertServesAndNeedsClientCertificates(network("tls_cert", pki.serverChainPem().toString(), "tls_key",
                pkcs8Key.toString(), "tls_ca", pki.caPem().toString(), "tls_client_auth", "need"));
    }

    @Test
    void aListenerServesPemWithAPkcs1RsaKey() throws Exception {
        assertServesAndNeedsClientCertificates(network("tls_cert", pki.serverChainPem().toString(), "tls_key",
                pkcs1Key.toString(), "tls_ca", pki.caPem().toString(), "tls_client_auth", "NEED"));
    }

    @Test
    void aListenerServesAPkcs12KeyStore() throws Exception {
        assertServesAndNeedsClientCertificates(network("tls_keystore", pki.serverP12().toString(),
                "tls_keystore_password", PASSWORD, "tls_ca", pki.caPem().toString(), "tls_client_auth", "need"));
    }

    private static void assertServesAndNeedsClientCertificates(Network network) throws Exception {
        assertTrue(network.hasServerTls());
        assertEquals(ClientAuth.NEED, network.clientAuth());
        assertSame(network.serverTls(), network.serverTls());
        try (LoopbackTlsServer server = new LoopbackTlsServer(network.serverTls(), network.clientAuth())) {
            server.connect(pki.context(pki.clientP12()), true);
            assertEquals("CN=cybexp-client", server.nextOutcome());

            assertThrows(IOException.class, () -> server.connect(pki.context(null), true));
            assertTrue(server.nextOutcome().startsWith("failed"), "a client without a certificate");

            assertThrows(IOException.class, () -> server.connect(pki.context(pki.strangerP12()), true));
            assertTrue(server.nextOutcome().startsWith("failed"), "a client certificate tls_ca did not sign");
        }
    }

    @Test
    void needHoldsEvenForAListenerThatDoesNotApplyClientAuth() throws Exception {
        Network network = network("tls_keystore", pki.serverP12().toString(), "tls_keystore_password", PASSWORD,
                "tls_ca", pki.caPem().toString(), "tls_client_auth", "need");
        try (LoopbackTlsServer server = new LoopbackTlsServer(network.serverTls(), ClientAuth.NONE)) {
            assertThrows(IOException.class, () -> server.connect(pki.context(null), true));
            assertTrue(server.nextOutcome().startsWith("failed"));
        }
        assertTrue(network.serverTls().createSSLEngine().getNeedClientAuth());
        assertTrue(network.serverTls().getDefaultSSLParameters().getNeedClientAuth());
        assertFalse(network("tls_keystore", pki.serverP12().toString(), "tls_keystore_password", PASSWORD)
                .serverTls().getDefaultSSLParameters().getNeedClientAuth());
    }

    @Test
    void wantAcceptsAClientWithoutACertificate() throws Exception {
        Network network = network("tls_keystore", pki.serverP12().toString(), "tls_keystore_password", PASSWORD,
                "tls_ca", pki.caPem().toString(), "tls_client_auth", "want");
        try (LoopbackTlsServer server = new LoopbackTlsServer(network.serverTls(), network.clientAuth())) {
            server.connect(pki.context(null), true);
            assertEquals("none", server.nextOutcome());
        }
    }

    @Test
    void withoutAServerCertificateServerTlsIsAClearError() throws Exception {
        Network network = network();

        assertFalse(network.hasServerTls());
        assertEquals(ClientAuth.NONE, network.clientAuth());
        SourceException e = assertThrows(SourceException.class, network::serverTls);
        assertTrue(e.getMessage().contains("tls_cert"), e.getMessage());
    }

    // ---- refused with the configuration ----------------------------------------------------------------------

    @Test
    void anEncryptedKeyIsRefusedNamingTlsKey() throws Exception {
        Path encrypted = Files.writeString(dir.resolve("encrypted.key"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                + "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n");

        InvalidConfigException e = refused("tls_cert", pki.serverChainPem().toString(), "tls_key",
                encrypted.toString());

        assertEquals("tls_key", e.key());
        assertTrue(e.getMessage().contains("is encrypted"), e.getMessage());
        assertFalse(e.getMessage().contains("MIIFHDBOBgkqhkiG9w0"), e.getMessage());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        Path other = Files.writeString(dir.resolve("other.key"), TestPki.pem("PRIVATE KEY",
                KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate().getEncoded()));

        InvalidConfigException e = refused("tls_cert", pki.serverChainPem().toString(), "tls_key", other.toString());

        assertEquals("tls_key", e.key());
        assertTrue(e.getMessage().contains("is not the key of the first certificate"), e.getMessage());
    }

    @Test
    void aWrongKeyStorePasswordIsRefusedWithoutShowingAnyPassword() {
        InvalidConfigException e = refused("tls_keystore", pki.serverP12().toString(), "tls_keystore_password",
                "wrong-Pw-913");

        assertEquals("tls_keystore", e.key());
        assertFalse(e.getMessage().contains("wrong-Pw-913"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    }

    @Test
    void aWrongClientCertPasswordIsRefusedWithoutShowingIt() {
        InvalidConfigException e = refused("client_cert", pki.clientP12().toString(), "client_cert_password",
                "wrong-Pw-914");

        assertEquals("client_cert", e.key());
        assertFalse(e.getMessage().contains("wrong-Pw-914"), e.getMessage());
    }

    @Test
    void incompleteOrConflictingServerKeysAreRefused() throws Exception {
        String cert = pki.serverChainPem().toString();
        assertEquals("tls_key", refused("tls_cert", cert).key());
        assertEquals("tls_cert", refused("tls_key", pkcs8Key.toString()).key());
        assertEquals("tls_keystore", refused("tls_cert", cert, "tls_key", pkcs8Key.toString(), "tls_keystore",
                pki.serverP12().toString()).key());
        assertEquals("tls_cert", refused("tls_cert", pkcs8Key.toString(), "tls_key", pkcs8Key.toString()).key());
        assertEquals("tls_ca", refused("tls_ca", pkcs8Key.toString()).key());
        assertEquals("ca_file", refused("ca_file", pkcs8Key.toString()).key());
        assertEquals("tls_client_auth: must be none, want or need, got 'maybe'",
                refused("tls_client_auth", "maybe").getMessage());
    }

    @Test
    void toStringShowsNoPassword() throws Exception {
        Network network = network("tls_keystore", pki.serverP12().toString(), "tls_keystore_password", PASSWORD,
                "client_cert", pki.clientP12().toString(), "client_cert_password", PASSWORD);

        assertFalse(network.toString().contains(PASSWORD), network.toString());
    }
}
