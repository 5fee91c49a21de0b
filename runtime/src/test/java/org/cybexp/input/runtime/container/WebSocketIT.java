package org.cybexp.input.runtime.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.manager.PluginManager;
import org.cybexp.input.testkit.LoopbackWebSocketServer;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * The websocket plugin in the real runtime, against the test kit's websocket server playing a Cowrie relay (the
 * shared fixtures) and a loopback /raw: the fixture script posts exactly its good frames with typetag
 * {@code unr-honeypot} and counts the bad ones; after the server's close and after a dropped TCP connection the
 * input shows the error and reconnects by itself (the core's backoff), and what comes next arrives; a restart
 * opens a new session, and a relay replaying what was posted gets nothing posted twice ({@code dedup}).
 *
 * <p>The server runs in the probe, inside the framework: the test kit is a bundle, installed beside the
 * distribution's bundles ({@code cybexp.it.testkit}), and the probe imports its package dynamically.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WebSocketIT {

    private static final String TOKEN = "it-token-ws";
    /** The relay's own token, in the URL's query: it must never show in status. */
    private static final String RELAY_TOKEN = "it-relay-secret-77";
    private static final Duration CONNECT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoopbackWebSocketServer relay;
    private RawReceiver raw;
    /** The relay's side of the input's current session. */
    private LoopbackWebSocketServer.Peer session;

    @Inject
    private PluginManager manager;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws IOException {
        return ContainerOptions.boot("websocket"); // with the test kit, whose websocket server the probe uses
    }

    @Before
    public void servers() throws IOException {
        relay = LoopbackWebSocketServer.start();
        raw = new RawReceiver(TOKEN);
    }

    @After
    public void closeServers() {
        if (relay != null) {
            relay.close();
        }
        if (raw != null) {
            raw.close();
        }
    }

    /** One scenario: each step builds on the one before, so they run as one test, never in a fixed order of tests. */
    @Test
    public void aStreamPostsItsFramesReconnectsAndRestartsWithoutDuplicates() throws Exception {
        theScriptPostsExactlyItsGoodFramesAndCountsTheBadOnes();
        afterTheServersCloseTheInputReconnectsByItself();
        aDroppedConnectionShowsTheErrorAndTheInputReconnectsByItself();
        aRestartOpensANewSessionAndNothingIsPostedTwice();
    }

    private void theScriptPostsExactlyItsGoodFramesAndCountsTheBadOnes() throws Exception {
        writeConfig("cybexp.api.cfg", "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
        Path home = ContainerOptions.home(context);
        Files.copy(Path.of(System.getProperty("cybexp.it.websocket")), home.resolve("deploy/websocket.jar"));
        Await.until(30, "websocket plugin active", () -> manager.plugins().contains("websocket"));
        // no min_interval: a stream is reopened after the core's backoff alone
        writeConfig("cybexp.source.websocket-honeypot.cfg", "name = honeypot\norgid = it-org\ntimezone = UTC\n"
                + "typetag = unr-honeypot\ndedup = true\nurl = " + relay.uri("/cowrie?token=" + RELAY_TOKEN) + "\n");

        session = relay.awaitClient(CONNECT);
        assertEquals("/cowrie?token=" + RELAY_TOKEN, session.path());
        session.play(untilClose(script()));

        Await.until(30, "7 events posted", () -> raw.posts().size() == 7);
        List<String> lines = relayLines();
        String unicode = "{\"eventid\": \"cowrie.command.input\", \"input\": \"\\u0000\\u202e\\ud83d\\ude00\", "
                + "\"session\": \"0123456789ab\"}";
        // the array frame's objects one by one (lines 3-5), the fragmented message reassembled (line 56)
        assertEquals(sorted(List.of(lines.get(0), lines.get(1), lines.get(3), lines.get(4), lines.get(5), unicode,
                lines.get(56))), sorted(posted()));
        for (RawReceiver.Post post : raw.posts()) {
            assertEquals("unr-honeypot", post.fields().get("typetag"));
            assertEquals("honeypot", post.fields().get("name"));
            assertEquals("it-org", post.fields().get("orgid"));
        }
        // not JSON, truncated JSON, a binary frame, {}: counted, never posted
        Await.until(10, "4 malformed frames counted", () -> status().orElseThrow().malformed() == 4);
        assertEquals(7, status().orElseThrow().fetched());
        Await.until(10, "the relay's ping answered", () -> session.pongs().equals(List.of("keepalive")));
    }

    private void afterTheServersCloseTheInputReconnectsByItself() throws Exception {
        Await.until(10, "the close is reported", () -> status().map(s -> s.lastError() != null).orElse(false));
        InputStatus closed = status().orElseThrow();
        assertEquals("the server closed the connection (1001 going away) after 9 frames", closed.lastError());
        assertEquals(1001, session.closeCode());

        session = relay.awaitClient(CONNECT);
        // the relay repeats the last frame (dropped: dedup), then goes on
        session.play(afterReconnect(script()).texts(relayLines().subList(6, 9)));

        Await.until(10, "3 more events posted", () -> raw.posts().size() == 10);
        List<String> lines = relayLines();
        assertEquals(sorted(lines.subList(6, 9)), sorted(posted().subList(7, 10)));
        InputStatus status = status().orElseThrow();
        assertEquals(1, status.duplicates());
        assertEquals(InputState.RUNNING, status.state());
        assertEquals(2, relay.connections());
    }

    private void aDroppedConnectionShowsTheErrorAndTheInputReconnectsByItself() throws Exception {
        session.drop();

        Await.until(10, "the broken connection is reported", () -> status().map(s -> s.state()
                == InputState.BACKING_OFF && s.lastError().startsWith("the connection broke (1006")).orElse(false));
        InputStatus broken = status().orElseThrow();
        assertTrue(broken.lastError(), broken.lastError().endsWith("after 4 frames"));
        assertTrue(broken.detail(), broken.detail().startsWith("disconnected: the connection broke (1006"));
        assertEquals(2, broken.consecutiveFailures());

        session = relay.awaitClient(CONNECT);
        session.play(LoopbackWebSocketServer.Script.of().texts(relayLines().subList(9, 12)));

        Await.until(10, "3 more events posted", () -> raw.posts().size() == 13);
        assertEquals(sorted(relayLines().subList(9, 12)), sorted(posted().subList(10, 13)));
        Await.until(10, "connected again", () -> status().orElseThrow().detail().endsWith(", 3 frames"));
        InputStatus status = status().orElseThrow();
        assertEquals("connected to " + relay.uri("/cowrie?***") + ", 3 frames", status.detail());
        assertFalse("the relay's token stays out of status", status.toString().contains(RELAY_TOKEN));
        assertEquals(3, relay.connections());
        assertEquals(1, relay.openConnections());
    }

    private void aRestartOpensANewSessionAndNothingIsPostedTwice() throws Exception {
        Await.until(10, "everything delivered", () -> status().orElseThrow().outboxDepth() == 0);
        List<String> before = posted();
        LoopbackWebSocketServer.Peer old = session;
        InputStatus counted = status().orElseThrow();

        manager.restart(List.of(), List.of("honeypot"));

        assertTrue("the old session is closed", old.awaitGone(Duration.ofSeconds(10)));
        assertEquals(1001, old.closeCode());
        assertEquals("input stopped", old.closeReason());
        session = relay.awaitClient(CONNECT);
        // a relay that replays everything after a reconnect, then sends two new events
        List<String> newLines = relayLines().subList(12, 14);
        session.play(LoopbackWebSocketServer.Script.of().texts(before).texts(newLines));

        Await.until(10, "the 2 new events posted", () -> raw.posts().size() == 15);
        Await.until(10, "everything delivered", () -> status().orElseThrow().outboxDepth() == 0);
        List<String> expected = new ArrayList<>(before);
        expected.addAll(newLines);
        assertEquals("the replay posted nothing again", sorted(expected), sorted(posted()));
        InputStatus status = status().orElseThrow();
        // the input's counters go on across the restart: the replay's 13 are added to what it counted before
        assertEquals("the replay dropped", counted.duplicates() + 13, status.duplicates());
        assertEquals(counted.fetched() + 2, status.fetched());
        assertEquals(4, relay.connections());
        assertEquals(1, relay.openConnections());

        // stopped before the relay goes away, so that it does not reconnect while the framework shuts down
        manager.stop(List.of(), List.of("honeypot"));
        assertTrue(session.awaitGone(Duration.ofSeconds(10)));
        assertEquals(1001, session.closeCode());
    }

    /** Posts of one input are several in flight at once (max_in_flight): their order is not promised. */
    private static List<String> sorted(List<String> texts) {
        return texts.stream().sorted().toList();
    }

    /** The texts of the files posted, in arrival order. */
    private List<String> posted() {
        return raw.posts().stream().map(RawReceiver.Post::fileText).toList();
    }

    private Optional<InputStatus> status() {
        return manager.status().stream().filter(s -> s.name().equals("honeypot")).findFirst();
    }

    private static List<String> relayLines() throws IOException {
        return Files.readAllLines(fixture("raw-relay.frames.jsonl"), StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isEmpty()).toList();
    }

    private static JsonNode script() throws IOException {
        return JSON.readTree(fixture("script.json").toFile());
    }

    /** The fixture script's steps up to its close: good and malformed frames, a ping, then {@code 1001}. */
    private static LoopbackWebSocketServer.Script untilClose(JsonNode steps) {
        LoopbackWebSocketServer.Script script = LoopbackWebSocketServer.Script.of();
        for (JsonNode step : steps) {
            script = switch (step.get("op").asText()) {
                case "text" -> script.text(step.get("payload").asText());
                case "ping" -> script.ping(Base64.getDecoder().decode(step.get("payload_b64").asText()));
                case "binary" -> script.binary(Base64.getDecoder().decode(step.get("payload_b64").asText()));
                case "text_fragmented" -> script.fragmented(step.get("payload").asText(),
                        step.get("fragments").asInt());
                case "close" -> script.close(step.get("code").asInt(), step.get("reason").asText());
                default -> throw new IllegalStateException("unexpected step before the close: " + step);
            };
            if (step.get("op").asText().equals("close")) {
                return script;
            }
        }
        throw new IllegalStateException("the fixture script has no close");
    }

    /** What the fixture script sends once the client is back: its {@code reconnect_then_text} steps. */
    private static LoopbackWebSocketServer.Script afterReconnect(JsonNode steps) {
        LoopbackWebSocketServer.Script script = LoopbackWebSocketServer.Script.of();
        for (JsonNode step : steps) {
            if (step.get("op").asText().equals("reconnect_then_text")) {
                script = script.text(step.get("payload").asText());
            }
        }
        return script;
    }

    private static Path fixture(String name) {
        return Path.of(System.getProperty("cybexp.it.fixtures"), "websocket", name);
    }

    private void writeConfig(String file, String content) throws IOException {
        Path target = ContainerOptions.home(context).resolve("etc").resolve(file);
        Path tmp = target.resolveSibling(file + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
