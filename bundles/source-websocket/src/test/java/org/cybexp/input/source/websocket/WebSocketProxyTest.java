package org.cybexp.input.source.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.LoopbackWebSocketServer;
import org.cybexp.input.testkit.RunningFetch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The container's {@code proxy} and {@code user_agent} keys hold for a websocket input too. */
class WebSocketProxyTest {

    private static final Duration WAIT = WebSocketInputTest.WAIT;

    private LoopbackWebSocketServer server;
    private ConnectProxy proxy;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackWebSocketServer.start();
        proxy = new ConnectProxy();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        server.close();
    }

    @Test
    void theSessionGoesThroughTheProxyAndSendsTheUserAgent() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.builder(new WebSocketPlugin()).name("relay")
                .properties(Map.of("typetag", "unr-honeypot", "url", "ws://127.0.0.1:" + server.port() + "/events",
                        "proxy", proxy.uri(), "user_agent", "cybexp-test-agent/7"))
                .build();
        SourceInput input = store.open();
        try (RunningFetch running = store.start(input)) {
            LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
            assertEquals("cybexp-test-agent/7", peer.headers().get("user-agent"));
            peer.sendText("{\"eventid\":\"cowrie.session.connect\"}");
            assertTrue(store.awaitEvents(1, WAIT), running.context().progress());
            running.stopGracefully();
            running.join(WAIT);
        } finally {
            input.close();
        }
        assertEquals(List.of("CONNECT 127.0.0.1:" + server.port() + " HTTP/1.1"), proxy.requests());
    }

    @Test
    void withoutAUserAgentKeyTheContainersDefaultIsSent() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.builder(new WebSocketPlugin()).name("relay")
                .properties(Map.of("typetag", "unr-honeypot", "url", "ws://127.0.0.1:" + server.port() + "/events"))
                .build();
        SourceInput input = store.open();
        try (RunningFetch running = store.start(input)) {
            String userAgent = server.awaitClient(WAIT).headers().get("user-agent");
            assertTrue(userAgent != null && userAgent.startsWith("cybexp-input/"), userAgent);
            running.stopGracefully();
            running.join(WAIT);
        } finally {
            input.close();
        }
        assertEquals(List.of(), proxy.requests());
    }
}
