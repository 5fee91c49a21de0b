package org.cybexp.input.source.websocket;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.cybexp.input.testkit.LoopbackWebSocketServer;

/**
 * Plays the fixture {@code cowrie/ws/script.json} on the test server: a list of steps ({@code text},
 * {@code ping}, {@code binary}, {@code text_fragmented}, {@code close}, {@code reconnect_then_text}) that a fake
 * relay sends, malformed frames included.
 *
 * @param steps the steps in order
 */
record FrameScript(List<JsonNode> steps) {

    static FrameScript load() throws IOException {
        List<JsonNode> steps = new ArrayList<>();
        new ObjectMapper().readTree(Fixtures.text("script.json")).forEach(steps::add);
        return new FrameScript(steps);
    }

    /** Sends the steps up to and including the first {@code close} to one client. */
    void playUntilClose(LoopbackWebSocketServer.Peer peer) throws IOException {
        peer.play(untilClose());
    }

    /** The steps up to and including the first {@code close}, as the test kit's server plays them. */
    LoopbackWebSocketServer.Script untilClose() {
        LoopbackWebSocketServer.Script script = LoopbackWebSocketServer.Script.of();
        for (JsonNode step : steps) {
            script = switch (step.get("op").asText()) {
                case "text" -> script.text(step.get("payload").asText());
                case "ping" -> script.ping(Base64.getDecoder().decode(step.get("payload_b64").asText()));
                case "binary" -> script.binary(Base64.getDecoder().decode(step.get("payload_b64").asText()));
                case "text_fragmented" -> script.fragmented(step.get("payload").asText(), step.get("fragments").asInt());
                case "close" -> script.close(step.get("code").asInt(), step.get("reason").asText());
                default -> throw new IllegalStateException("unexpected step before the close: " + step);
            };
            if (step.get("op").asText().equals("close")) {
                return script;
            }
        }
        throw new IllegalStateException("the script has no close step");
    }

    /** Sends the steps after the close to the client that connected again. */
    void playAfterReconnect(LoopbackWebSocketServer server, Duration wait) throws IOException, InterruptedException {
        boolean afterClose = false;
        for (JsonNode step : steps) {
            if (afterClose && step.get("op").asText().equals("reconnect_then_text")) {
                server.awaitClient(wait).sendText(step.get("payload").asText());
            }
            afterClose |= step.get("op").asText().equals("close");
        }
    }

    /** The payload of the ping step. */
    String pingPayload() {
        return steps.stream().filter(s -> s.get("op").asText().equals("ping"))
                .map(s -> new String(Base64.getDecoder().decode(s.get("payload_b64").asText()))).findFirst()
                .orElseThrow();
    }
}
