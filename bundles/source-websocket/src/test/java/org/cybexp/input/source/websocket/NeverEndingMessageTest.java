package org.cybexp.input.source.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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

/**
 * A peer that starts a message and sends fragments for ever (issue 20): each fragment is traffic, so pings never
 * declare it dead, while no frame ever comes of it. The status says stuck, and max_message_seconds ends it.
 */
class NeverEndingMessageTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private LoopbackWebSocketServer server;
    private final TestClock clock = TestClock.at(Instant.parse("2026-12-01T12:00:00Z"));
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

    @Test
    void aMessageThatNeverEndsShowsAsStuckThenClosesTheSessionKeepingWhatArrived() throws Exception {
        InMemoryInputStore store = InMemoryInputStore.builder(new WebSocketPlugin()).name("honeypot").clock(clock)
                .properties(Map.of("typetag", "unr-honeypot", "url", server.uri("/events?token=s3cr3t").toString(),
                        "max_message_seconds", "30", "ping_interval", "0")).build();
        input = store.open();
        RunningFetch running = store.start(input);
        LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
        peer.sendText("{\"eventid\":\"cowrie.session.connect\"}");
        assertTrue(running.context().awaitEmitted(1, WAIT));

        peer.send(LoopbackWebSocketServer.TEXT, bytes("{\"eventid\":\"cowrie.command.input\",\"input\":\""), false);
        for (int i = 0; i < 3; i++) {
            peer.send(LoopbackWebSocketServer.CONTINUATION, bytes("aaaa"), false);
        }
        assertTrue(running.context().awaitProgress(p -> p.endsWith("4 fragments)"), WAIT),
                running.context().progress());
        assertEquals("connected to " + server.uri("/events") + "?***, 1 frames, receiving a message (55 bytes in 4 "
                + "fragments)", running.context().progress(), "not stuck yet: it is new");
        clock.advance(Duration.ofSeconds(10));
        peer.send(LoopbackWebSocketServer.CONTINUATION, bytes("aaaa"), false);

        assertTrue(running.context().awaitProgress(p -> p.startsWith("stuck: "), WAIT), running.context().progress());
        assertEquals("stuck: a message has been arriving for 10 s without its end (59 bytes in 5 fragments) from "
                + server.uri("/events") + "?***; the session is closed at 30 s", running.context().progress());

        clock.advance(Duration.ofSeconds(20));
        peer.send(LoopbackWebSocketServer.CONTINUATION, bytes("aaaa"), false);
        SourceException ended = assertThrows(SourceException.class, () -> running.join(WAIT));

        assertEquals("a message did not end within max_message_seconds (30 s; 63 bytes in 6 fragments): the session "
                + "was closed after 1 frames", ended.getMessage());
        assertEquals(1, store.events().size(), "what arrived before is stored");
        assertTrue(peer.awaitGone(WAIT));
        assertEquals(1008, peer.closeCode());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
