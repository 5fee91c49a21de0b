package org.cybexp.input.source.websocket;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.LoopbackWebSocketServer;
import org.cybexp.input.testkit.RunningFetch;
import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pings detect a dead peer (a hung relay, a half-open TCP connection); timed by the clock the test moves. */
class WebSocketPingTest {

    private static final Duration WAIT = WebSocketInputTest.WAIT;

    private final TestClock clock = TestClock.at("2024-05-06T00:00:00Z");
    private LoopbackWebSocketServer server;
    private InMemoryInputStore store;
    private SourceInput input;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackWebSocketServer.start();
        store = InMemoryInputStore.builder(new WebSocketPlugin()).name("honeypot").clock(clock)
                .properties(Map.of("typetag", "unr-honeypot", "url", server.uri("/").toString(),
                        "ping_interval", "30", "ping_timeout", "10"))
                .build();
        input = store.open();
    }

    @AfterEach
    void stop() {
        input.close();
        server.close();
    }

    @Test
    void aPeerThatDoesNotAnswerThePingIsGivenUpAndTheCallFails() throws Exception {
        server.answerPings(false);
        RunningFetch running = store.start(input);
        LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
        assertTrue(running.context().awaitProgress(p -> p.startsWith("connected"), WAIT));

        clock.advance(Duration.ofSeconds(30));
        await().atMost(WAIT).until(() -> peer.pings().size() == 1);
        clock.advance(Duration.ofSeconds(10));

        SourceException dead = assertThrows(SourceException.class, () -> running.join(WAIT));
        assertEquals("the server did not answer a ping within 10 s: connection presumed dead after 0 frames",
                dead.getMessage());
        assertTrue(peer.awaitGone(WAIT), "the connection is closed");
    }

    @Test
    void anAnsweringPeerIsPingedOnlyWhenSilent() throws Exception {
        try (RunningFetch running = store.start(input)) {
            LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
            assertTrue(running.context().awaitProgress(p -> p.startsWith("connected"), WAIT));

            clock.advance(Duration.ofSeconds(29));
            peer.sendText("{\"n\":1}"); // after the clock moved: the loop saw 29 s of silence, and no ping went out
            assertTrue(running.context().awaitEmitted(1, WAIT));
            assertEquals(0, peer.pings().size());

            clock.advance(Duration.ofSeconds(30)); // 30 s since the frame
            await().atMost(WAIT).until(() -> peer.pings().size() == 1);
            peer.sendText("{\"n\":2}"); // sent after the pong, so received after it
            assertTrue(running.context().awaitEmitted(2, WAIT));

            clock.advance(Duration.ofSeconds(10)); // the ping's timeout: answered, so nothing happens
            peer.sendText("{\"n\":3}");
            assertTrue(running.context().awaitEmitted(3, WAIT));
            assertTrue(running.isRunning());
            assertEquals(1, peer.pings().size());
            running.stopGracefully();
            running.join(WAIT);
        }
    }
}
