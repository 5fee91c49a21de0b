package org.cybexp.input.source.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.LoopbackWebSocketServer;
import org.cybexp.input.testkit.RunningFetch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wss://} against a TLS server with a self-signed certificate for {@code localhost}: verified against
 * {@code ca_file}, refused without it or for another host name, accepted unverified with {@code verify_tls=false};
 * a server that requires a client certificate accepts the input's {@code client_cert} and refuses it without one.
 */
class WebSocketTlsTest {

    private static final Duration WAIT = WebSocketInputTest.WAIT;

    @TempDir
    static Path dir;
    private static TestTls tls;
    private static LoopbackWebSocketServer server;
    private static LoopbackWebSocketServer mutualServer;

    @BeforeAll
    static void startServer() throws Exception {
        tls = TestTls.create(dir);
        server = LoopbackWebSocketServer.startTls(tls.server(), false);
        mutualServer = LoopbackWebSocketServer.startTls(tls.mutual(), true);
    }

    @AfterAll
    static void stopServer() {
        server.close();
        mutualServer.close();
    }

    private static InMemoryInputStore store(String host, Map<String, String> extra) throws Exception {
        return store(server, host, extra);
    }

    private static InMemoryInputStore store(LoopbackWebSocketServer to, String host, Map<String, String> extra)
            throws Exception {
        Map<String, String> properties = new HashMap<>(Map.of("typetag", "unr-honeypot",
                "url", "wss://" + host + ":" + to.port() + "/events"));
        properties.putAll(extra);
        return InMemoryInputStore.builder(new WebSocketPlugin()).name("tls").properties(properties).build();
    }

    /** Connects, receives one frame, stops. */
    private static void receiveOne(InMemoryInputStore store) throws Exception {
        receiveOne(server, store);
    }

    private static void receiveOne(LoopbackWebSocketServer from, InMemoryInputStore store) throws Exception {
        SourceInput input = store.open();
        try (RunningFetch running = store.start(input)) {
            from.awaitClient(WAIT).sendText("{\"eventid\":\"cowrie.session.connect\"}");
            assertTrue(store.awaitEvents(1, WAIT), running.context().progress());
            running.stopGracefully();
            running.join(WAIT);
        } finally {
            input.close();
        }
        assertEquals(List.of("{\"eventid\":\"cowrie.session.connect\"}"), store.eventTexts());
    }

    @Test
    void theServerIsTrustedThroughTheCaFile() throws Exception {
        receiveOne(store("localhost", Map.of("ca_file", tls.caPem().toString())));
    }

    @Test
    void withoutTheCaFileTheCertificateIsRefused() throws Exception {
        InMemoryInputStore store = store("localhost", Map.of());

        SourceException refused = assertThrows(SourceException.class, () -> store.fetch(store.open()));

        assertTrue(refused.getMessage().startsWith("cannot connect to wss://localhost:" + server.port()
                + "/events: TLS failed ("), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("check verify_tls, ca_file and client_cert"), refused.getMessage());
    }

    @Test
    void aCertificateForAnotherHostIsRefusedEvenFromATrustedCa() throws Exception {
        InMemoryInputStore store = store("127.0.0.1", Map.of("ca_file", tls.caPem().toString()));

        SourceException refused = assertThrows(SourceException.class, () -> store.fetch(store.open()));

        assertTrue(refused.getMessage().contains("TLS failed"), refused.getMessage());
    }

    @Test
    void verifyTlsFalseAcceptsAnyCertificateAndHost() throws Exception {
        receiveOne(store("127.0.0.1", Map.of("verify_tls", "false")));
    }

    @Test
    void theClientCertificateOpensAServerThatRequiresOne() throws Exception {
        receiveOne(mutualServer, store(mutualServer, "localhost", Map.of("ca_file", tls.caPem().toString(),
                "client_cert", tls.clientP12().toString(), "client_cert_password", TestTls.PASSWORD)));
    }

    @Test
    void withoutTheClientCertificateThatServerRefusesTheInput() throws Exception {
        // Under TLS 1.3 the refusal comes after the client's side of the handshake; Tyrus then sees only an
        // opening handshake that never ends, so the failure takes connect_timeout.
        InMemoryInputStore store = store(mutualServer, "localhost", Map.of("ca_file", tls.caPem().toString(),
                "connect_timeout", "2"));
        int before = mutualServer.connections();

        SourceException refused = assertThrows(SourceException.class, () -> store.fetch(store.open()));

        assertEquals(before, mutualServer.connections(), refused.getMessage());
        assertTrue(refused.getMessage().startsWith("cannot connect to wss://localhost:"), refused.getMessage());
    }
}
