package org.cybexp.input.source.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryFetchContext;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.LoopbackWebSocketServer;
import org.cybexp.input.testkit.RunningFetch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The input against a real websocket server on loopback, through the test kit's in-memory container. */
class WebSocketInputTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    /** A stop must end the call well within this: the fetch thread looks at stops every 200 ms. */
    static final Duration PROMPT = Duration.ofSeconds(2);

    private LoopbackWebSocketServer server;
    private final List<SourceInput> inputs = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = LoopbackWebSocketServer.start();
    }

    @AfterEach
    void stop() {
        inputs.forEach(SourceInput::close);
        server.close();
    }

    private InMemoryInputStore store(Map<String, String> extra) throws Exception {
        Map<String, String> properties = new HashMap<>(Map.of("typetag", "unr-honeypot",
                "url", server.uri("/events").toString()));
        properties.putAll(extra);
        return InMemoryInputStore.builder(new WebSocketPlugin()).name("honeypot").properties(properties).build();
    }

    private SourceInput open(InMemoryInputStore store) throws Exception {
        SourceInput input = store.open();
        inputs.add(input);
        return input;
    }

    static String body(Event event) {
        return new String(event.body(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw-relay.frames.jsonl", "logstash-file-json.frames.jsonl",
            "logstash-json-filter.frames.jsonl"})
    void eachTextFrameIsOneStoredJsonEventWhileTheStreamRuns(String fixture) throws Exception {
        List<String> frames = Fixtures.frames(fixture);
        InMemoryInputStore store = store(Map.of());
        SourceInput input = open(store);
        assertEquals(SourceInput.Mode.STREAMING, input.mode());

        try (RunningFetch running = store.start(input)) {
            LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
            for (String frame : frames) {
                peer.sendText(frame);
            }
            // stored (in the outbox) while the session is still open: an API outage loses nothing
            assertTrue(store.awaitEvents(frames.size(), WAIT), "all frames stored during the stream");
            assertTrue(running.isRunning());
            assertTrue(running.context().awaitProgress(p -> p.endsWith(frames.size() + " frames"), WAIT),
                    running.context().progress());
            assertEquals("connected to " + server.uri("/events") + ", " + frames.size() + " frames",
                    running.context().progress());
            running.stopGracefully();
            running.join(PROMPT);
        }

        assertEquals(frames, store.eventTexts());
        assertTrue(store.events().stream().allMatch(e -> e.mediaType().equals("application/json")));
        assertTrue(store.events().stream().allMatch(e -> e.dedupKeys().isEmpty()), "dedup is off by default");
        assertEquals("disconnected: stopped after " + frames.size() + " frames", store.progress());
        assertEquals(0, store.malformed());
    }

    @Test
    void theFixtureScriptKeepsGoodFramesCountsBadOnesAndEndsWithTheServersClose() throws Exception {
        FrameScript script = FrameScript.load();
        List<String> lines = Fixtures.frames("raw-relay.frames.jsonl");
        InMemoryInputStore store = store(Map.of());
        SourceInput input = open(store);

        RunningFetch running = store.start(input);
        LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
        script.playUntilClose(peer);
        SourceException ended = assertThrows(SourceException.class, () -> running.join(WAIT));

        assertEquals("the server closed the connection (1001 going away) after 9 frames", ended.getMessage());
        assertEquals("disconnected: " + ended.getMessage(), running.context().progress());
        String unicode = "{\"eventid\": \"cowrie.command.input\", \"input\": \"\\u0000\\u202e\\ud83d\\ude00\", "
                + "\"session\": \"0123456789ab\"}";
        assertEquals(List.of(lines.get(0), lines.get(1), lines.get(3), lines.get(4), lines.get(5), unicode,
                lines.get(56)), store.eventTexts(), "the array's objects one by one, the fragments reassembled");
        List<String> reasons = running.context().malformedReasons();
        assertEquals(4, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).startsWith("not valid JSON at char "), reasons.get(0));
        assertEquals("truncated JSON", reasons.get(1));
        assertTrue(reasons.get(2).matches("binary frame of \\d+ bytes \\(only text frames carry events\\)"),
                reasons.get(2));
        assertEquals("empty JSON object", reasons.get(3));
        assertEquals(4, store.malformed());
        assertEquals(List.of(script.pingPayload()), peer.pongs(), "the server's ping was answered");
        assertTrue(peer.awaitGone(WAIT));
    }

    @Test
    void afterAReconnectARepeatedFrameIsPostedAgainUnlessDedupIsOn() throws Exception {
        for (boolean dedup : new boolean[] {false, true}) {
            InMemoryInputStore store = store(Map.of("dedup", Boolean.toString(dedup)));
            SourceInput input = open(store);
            FrameScript script = FrameScript.load();

            RunningFetch first = store.start(input);
            script.playUntilClose(server.awaitClient(WAIT));
            assertThrows(SourceException.class, () -> first.join(WAIT));
            assertEquals(7, store.events().size());

            // the container calls the input again after its backoff: a new session
            try (RunningFetch second = store.start(input)) {
                script.playAfterReconnect(server, WAIT);
                if (dedup) {
                    assertTrue(second.context().awaitProgress(p -> p.endsWith(", 1 frames"), WAIT));
                } else {
                    assertTrue(store.awaitEvents(8, WAIT));
                }
                second.stopGracefully();
                second.join(PROMPT);
            }
            assertEquals(dedup ? 7 : 8, store.events().size(), "dedup=" + dedup);
            assertEquals(dedup ? 1 : 0, store.duplicates(), "dedup=" + dedup);
        }
    }

    @Test
    void aDroppedConnectionEndsTheCallWithAnErrorKeepingWhatArrived() throws Exception {
        List<String> frames = Fixtures.frames("raw-relay.frames.jsonl").subList(0, 3);
        InMemoryInputStore store = store(Map.of());
        SourceInput input = open(store);

        RunningFetch running = store.start(input);
        LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
        for (String frame : frames) {
            peer.sendText(frame);
        }
        assertTrue(running.context().awaitEmitted(3, WAIT));
        peer.drop();

        SourceException ended = assertThrows(SourceException.class, () -> running.join(WAIT));
        assertTrue(ended.getMessage().startsWith("the connection broke (1006"), ended.getMessage());
        assertTrue(ended.getMessage().endsWith("after 3 frames"), ended.getMessage());
        assertEquals(frames, store.eventTexts());
        assertEquals(0, running.context().openResources());
    }

    @Test
    void aGracefulStopClosesTheSessionPromptlyAndStoresWhatArrived() throws Exception {
        InMemoryInputStore store = store(Map.of());
        SourceInput input = open(store);

        RunningFetch running = store.start(input);
        LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
        peer.sendText("{\"eventid\":\"cowrie.session.connect\"}");
        assertTrue(running.context().awaitEmitted(1, WAIT));
        long asked = System.nanoTime();
        running.stopGracefully();
        running.join(PROMPT);

        assertTrue(Duration.ofNanos(System.nanoTime() - asked).compareTo(PROMPT) < 0);
        assertTrue(peer.awaitGone(WAIT), "the TCP connection is closed");
        assertEquals(1001, peer.closeCode(), "a close frame was sent");
        assertEquals("input stopped", peer.closeReason());
        assertEquals(List.of("{\"eventid\":\"cowrie.session.connect\"}"), store.eventTexts());
        assertEquals(0, running.context().openResources());
    }

    @Test
    void anImmediateStopEndsTheCallAtOnceAndDropsAnOpenBatch() throws Exception {
        InMemoryInputStore store = store(Map.of("batch_size", "10"));
        SourceInput input = open(store);

        RunningFetch running = store.start(input);
        LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
        peer.sendText("{\"eventid\":\"cowrie.session.connect\"}");
        assertTrue(running.context().awaitProgress(p -> p.endsWith("1 waiting in the batch"), WAIT));
        running.stopNow();

        assertTrue(running.awaitEnd(PROMPT), "ended promptly");
        running.join(PROMPT);
        assertTrue(peer.awaitGone(WAIT), "the TCP connection is closed");
        assertEquals(List.of(), store.events(), "an immediate stop does not finish the batch");
        assertEquals("disconnected: stopped", running.context().progress());
        assertEquals(0, running.context().openResources());
    }

    @Test
    void aStopWhileTheHandshakeHangsEndsTheCallPromptly() throws Exception {
        server.answerHandshakes(false);
        for (boolean immediate : new boolean[] {false, true}) {
            InMemoryInputStore store = store(Map.of("connect_timeout", "60"));
            SourceInput input = open(store);
            int before = server.requests().size();

            RunningFetch running = store.start(input);
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> server.requests().size() > before);
            assertTrue(running.isRunning());
            if (immediate) {
                running.stopNow();
            } else {
                running.stopGracefully();
            }

            assertTrue(running.awaitEnd(PROMPT), "immediate=" + immediate);
            running.join(PROMPT);
            assertTrue(running.context().progress().startsWith("disconnected: stopped"),
                    running.context().progress());
        }
    }

    @Test
    void oversizedFramesAreCountedAndSkippedWithoutEndingTheSession() throws Exception {
        InMemoryInputStore store = store(Map.of("max_frame_bytes", "1024"));
        SourceInput input = open(store);
        String big = "{\"eventid\":\"cowrie.command.input\",\"input\":\"" + "x".repeat(5000) + "\"}";
        String fits = "{\"eventid\":\"cowrie.command.input\",\"input\":\"" + "y".repeat(900) + "\"}";

        try (RunningFetch running = store.start(input)) {
            LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
            peer.sendText(big);
            peer.sendFragmented(big, 7);
            peer.sendText(fits);
            assertTrue(store.awaitEvents(1, WAIT));
            running.stopGracefully();
            running.join(PROMPT);

            InMemoryFetchContext ctx = running.context();
            String reason = "text frame of " + big.length() + " bytes, over max_frame_bytes 1024";
            assertEquals(List.of(reason, reason), ctx.malformedReasons());
        }
        assertEquals(List.of(fits), store.eventTexts());
    }

    @Test
    void aFrameTooLargeEvenToCountEndsTheSessionWithAClearError() throws Exception {
        InMemoryInputStore store = store(Map.of("max_frame_bytes", "64"));
        SourceInput input = open(store);

        RunningFetch running = store.start(input);
        LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
        peer.sendText("{\"a\":1}");
        peer.sendText("{\"b\":\"" + "z".repeat(WebSocketConnector.MIN_INCOMING_BUFFER) + "\"}");

        SourceException ended = assertThrows(SourceException.class, () -> running.join(WAIT));
        assertTrue(ended.getMessage().startsWith("the server closed the connection (1011")
                || ended.getMessage().startsWith("the connection"), ended.getMessage());
        assertEquals(List.of("{\"a\":1}"), store.eventTexts());
    }

    @Test
    void aStorageFailureEndsTheCallAndClosesTheSession() throws Exception {
        InMemoryInputStore store = store(Map.of());
        SourceInput input = open(store);
        store.failWrites(true);

        RunningFetch running = store.start(input);
        LoopbackWebSocketServer.Peer peer = server.awaitClient(WAIT);
        peer.sendText("{\"eventid\":\"cowrie.session.connect\"}");

        assertThrows(java.io.UncheckedIOException.class, () -> running.join(WAIT));
        assertTrue(peer.awaitGone(WAIT), "the session is not left open");
        assertFalse(running.isRunning());
    }
}
