package org.cybexp.input.source.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.LoopbackWebSocketServer;
import org.cybexp.input.testkit.RunningFetch;
import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batching as the original CYBEX-P input did (10 frames or 15 s) into one file of JSON lines, timed by the
 * container's clock, which the test moves: no test waits for real seconds to pass.
 */
class WebSocketBatchTest {

    private static final Duration WAIT = WebSocketInputTest.WAIT;
    private static final List<String> FRAMES = Fixtures.frames("raw-relay.frames.jsonl");

    private final TestClock clock = TestClock.at("2024-05-06T00:00:00Z");
    private LoopbackWebSocketServer server;
    private InMemoryInputStore store;
    private SourceInput input;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackWebSocketServer.start();
        store = InMemoryInputStore.builder(new WebSocketPlugin()).name("honeypot").clock(clock)
                .properties(Map.of("typetag", "unr-honeypot", "url", server.uri("/").toString(),
                        "batch_size", "10", "batch_seconds", "15", "dedup", "true"))
                .build();
        input = store.open();
    }

    @AfterEach
    void stop() {
        input.close();
        server.close();
    }

    private static String lines(List<String> frames) {
        return String.join("\n", frames) + "\n";
    }

    @Test
    void aFullBatchIsPostedAtOnceAndTheRestWhenItsTimeIsUp() throws Exception {
        try (RunningFetch running = store.start(input)) {
            LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
            for (String frame : FRAMES.subList(0, 25)) {
                peer.sendText(frame);
            }
            assertTrue(store.awaitEvents(2, WAIT));
            assertTrue(running.context().awaitProgress(p -> p.endsWith("25 frames, 5 waiting in the batch"), WAIT),
                    running.context().progress());
            assertEquals(2, store.events().size(), "the last 5 wait for their batch's time");

            clock.advance(Duration.ofSeconds(15));
            assertTrue(store.awaitEvents(3, WAIT));
            running.stopGracefully();
            running.join(WAIT);
        }

        List<Event> events = store.events();
        assertEquals(List.of(lines(FRAMES.subList(0, 10)), lines(FRAMES.subList(10, 20)),
                lines(FRAMES.subList(20, 25))), store.eventTexts());
        assertTrue(events.stream().allMatch(e -> e.mediaType().equals("application/x-ndjson")));
        assertEquals(10, events.get(0).dedupKeys().size(), "one key per frame");
        assertEquals(FrameBatch.dedupKey(FRAMES.get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                events.get(0).dedupKeys().get(0));
    }

    @Test
    void aBatchWaitsUntilFifteenSecondsAfterItsFirstFrame() throws Exception {
        try (RunningFetch running = store.start(input)) {
            LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
            for (String frame : FRAMES.subList(0, 3)) {
                peer.sendText(frame);
            }
            assertTrue(running.context().awaitProgress(p -> p.endsWith("3 waiting in the batch"), WAIT));

            clock.advance(Duration.ofSeconds(14));
            peer.sendText(FRAMES.get(3)); // seen after the clock moved: proves the loop looked at the time
            assertTrue(running.context().awaitProgress(p -> p.endsWith("4 waiting in the batch"), WAIT));
            assertEquals(List.of(), store.events(), "14 s after the first frame: not yet");

            clock.advance(Duration.ofSeconds(1));
            assertTrue(store.awaitEvents(1, WAIT));
            running.stopGracefully();
            running.join(WAIT);
        }
        assertEquals(List.of(lines(FRAMES.subList(0, 4))), store.eventTexts());
    }

    @Test
    void aGracefulStopPostsTheOpenBatch() throws Exception {
        try (RunningFetch running = store.start(input)) {
            LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
            peer.sendText(FRAMES.get(0));
            peer.sendText(FRAMES.get(1));
            assertTrue(running.context().awaitProgress(p -> p.endsWith("2 waiting in the batch"), WAIT));
            running.stopGracefully();
            running.join(WebSocketInputTest.PROMPT);
        }
        assertEquals(List.of(lines(FRAMES.subList(0, 2))), store.eventTexts());
    }

    @Test
    void aDroppedSessionPostsTheOpenBatchBeforeFailing() throws Exception {
        RunningFetch running = store.start(input);
        LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
        peer.sendText(FRAMES.get(0));
        assertTrue(running.context().awaitProgress(p -> p.endsWith("1 waiting in the batch"), WAIT));
        peer.close(1001, "going away");

        org.junit.jupiter.api.Assertions.assertThrows(org.cybexp.input.api.SourceException.class,
                () -> running.join(WAIT));
        assertEquals(List.of(lines(FRAMES.subList(0, 1))), store.eventTexts());
    }

    @Test
    void withDedupFramesPostedBeforeAreLeftOutOfTheNextBatch() throws Exception {
        try (RunningFetch running = store.start(input)) {
            LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
            for (String frame : FRAMES.subList(0, 10)) {
                peer.sendText(frame);
            }
            assertTrue(store.awaitEvents(1, WAIT));
            // a relay replaying after a reconnect: 5 old frames, one repeated inside the batch, then 9 new ones
            for (String frame : FRAMES.subList(5, 10)) {
                peer.sendText(frame);
            }
            peer.sendText(FRAMES.get(10));
            peer.sendText(FRAMES.get(10));
            for (String frame : FRAMES.subList(11, 20)) {
                peer.sendText(frame);
            }
            assertTrue(store.awaitEvents(2, WAIT));
            running.stopGracefully();
            running.join(WAIT);
        }
        assertEquals(List.of(lines(FRAMES.subList(0, 10)), lines(FRAMES.subList(10, 20))), store.eventTexts());
    }
}
