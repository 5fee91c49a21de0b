package org.cybexp.input.source.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryFetchContext;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.LoopbackWebSocketServer;
import org.cybexp.input.testkit.RunningFetch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Connection failures are clear errors for the container's backoff, and never show the URL's secrets. */
class WebSocketConnectTest {

    private static final Duration WAIT = WebSocketInputTest.WAIT;
    private static final String SECRET = "s3cr3t-t0ken";

    private LoopbackWebSocketServer server;
    private SourceInput input;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackWebSocketServer.start();
    }

    @AfterEach
    void stop() {
        if (input != null) {
            input.close();
        }
        server.close();
    }

    private InMemoryInputStore store(String url) throws Exception {
        InMemoryInputStore store = InMemoryInputStore.builder(new WebSocketPlugin()).name("relay")
                .properties(Map.of("typetag", "unr-honeypot", "url", url)).build();
        input = store.open();
        return store;
    }

    private String secretUrl() {
        return "ws://cybex:" + SECRET + "@127.0.0.1:" + server.port() + "/events?token=" + SECRET;
    }

    @Test
    void theRequestCarriesPathAndQueryButStatusShowsThemMasked() throws Exception {
        InMemoryInputStore store = store(secretUrl());
        try (RunningFetch running = store.start(input)) {
            LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
            assertEquals("/events?token=" + SECRET, peer.path());
            assertTrue(running.context().awaitProgress(p -> p.startsWith("connected"), WAIT));
            assertEquals("connected to ws://***@127.0.0.1:" + server.port() + "/events?***, 0 frames",
                    running.context().progress());
            running.stopGracefully();
            running.join(WAIT);
        }
        assertFalse(store.progress().contains(SECRET));
    }

    @Test
    void aServiceUnavailableAnswerCarriesItsRetryAfter() throws Exception {
        server.rejectWith(503, Map.of("Retry-After", "120"));
        InMemoryInputStore store = store(secretUrl());

        HttpStatusException refused = assertThrows(HttpStatusException.class, () -> store.fetch(input));

        assertEquals(503, refused.status());
        assertEquals(Duration.ofSeconds(120), refused.retryAfter().orElseThrow());
        assertFalse(refused.getMessage().contains(SECRET), refused.getMessage());
        assertFalse(store.progress().contains(SECRET), store.progress());
        assertTrue(refused.getMessage().startsWith("cannot connect to ws://***@127.0.0.1:" + server.port()
                + "/events?***: the server is unavailable (503)"), refused.getMessage());
    }

    @Test
    void anotherHttpAnswerIsAnHttpStatusError() throws Exception {
        server.rejectWith(404, Map.of());
        InMemoryInputStore store = store(server.uri("/nowhere").toString());

        HttpStatusException refused = assertThrows(HttpStatusException.class, () -> store.fetch(input));

        assertEquals(404, refused.status());
        assertTrue(refused.retryAfter().isEmpty());
        assertEquals("disconnected: " + refused.getMessage(), store.progress());
    }

    @Test
    void aClosedPortIsAConnectionError() throws Exception {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort();
        }
        InMemoryInputStore store = store("ws://127.0.0.1:" + port + "/?token=" + SECRET);

        SourceException failed = assertThrows(SourceException.class, () -> store.fetch(input));

        assertTrue(failed.getMessage().startsWith("cannot connect to ws://127.0.0.1:" + port + "/?***: "),
                failed.getMessage());
        assertTrue(failed.getMessage().toLowerCase().contains("refused"), failed.getMessage());
        assertFalse(failed.getMessage().contains(SECRET));
    }

    @Test
    void eachCallOpensOneSessionAndTheNextCallANewOne() throws Exception {
        InMemoryInputStore store = store(server.uri("/").toString());
        for (int call = 1; call <= 2; call++) {
            InMemoryFetchContext ctx = store.newContext();
            try (RunningFetch running = store.start(input, ctx)) {
                LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
                peer.sendText("{\"call\":" + call + "}");
                assertTrue(ctx.awaitEmitted(1, WAIT), ctx.progress() + ctx.malformedReasons() + running.failure());
                running.stopGracefully();
                running.join(WAIT);
                assertTrue(peer.awaitGone(WAIT));
            }
        }
        assertEquals(List.of("{\"call\":1}", "{\"call\":2}"), store.eventTexts());
        assertEquals(2, server.requests().size());
    }
}
