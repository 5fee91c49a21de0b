package org.cybexp.input.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The control endpoint over real loopback sockets, with a fake PluginManager and no framework. */
class ControlServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path data;

    private final FakePluginManager manager = new FakePluginManager();
    private final CountDownLatch frameworkStopped = new CountDownLatch(1);
    private ControlServer server;
    private RunningConfig config;

    @BeforeEach
    void start() throws IOException {
        server = new ControlServer(manager, data, 0, frameworkStopped::countDown, Clock.fixed(T0, ZoneOffset.UTC),
                1_000);
        config = RunningConfig.read(data.resolve(RunningConfig.FILE_NAME));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void runningConfigIsOwnerOnlyAndNamesTheEndpoint() throws IOException {
        Path file = data.resolve(RunningConfig.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("127.0.0.1", config.host());
        assertEquals(server.port(), config.port());
        assertEquals(ProcessHandle.current().pid(), config.pid());
        assertEquals(T0, config.started());
        assertTrue(config.nonce().matches("[0-9a-f]{64}"), config.nonce());
        try (var files = Files.list(data)) {
            assertEquals(List.of("daemon.lock", "runningconfig"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
    }

    @Test
    void statusWithTheNonceAnswersInputsAndPlugins() throws IOException {
        JsonNode answer = send(request("status"));
        assertTrue(answer.get("ok").asBoolean(), answer.toString());
        assertEquals(ProcessHandle.current().pid(), answer.get("pid").asLong());
        assertEquals(0, answer.get("uptime_s").asLong());
        assertEquals("openphish", answer.get("plugins").get(0).asText());
        JsonNode main = answer.get("inputs").get(0);
        assertEquals("main", main.get("name").asText());
        assertEquals("WAITING", main.get("state").asText());
        assertEquals(50, main.get("delivered").asLong());
        assertEquals("2026-01-01T01:00:00Z", main.get("next_run").asText());
        assertTrue(main.get("last_error").isNull());
    }

    @Test
    void selectionCommandsReachTheManager() throws IOException {
        JsonNode answer = send("{\"nonce\":\"" + config.nonce() + "\",\"command\":\"stop\",\"plugins\":[],"
                + "\"names\":[\"main\"]}");
        assertTrue(answer.get("ok").asBoolean(), answer.toString());
        assertEquals("main", answer.get("selected").get(0).asText());
        assertEquals(List.of("stop [] [main]"), manager.calls);
    }

    @Test
    void theConsolesCommandsAreTheCliProtocolWithoutNonceAndWithoutShutdown() throws IOException {
        JsonNode stop = new ObjectMapper().readTree(server.execute("{\"command\":\"stop\",\"names\":[\"main\"]}"));
        assertTrue(stop.get("ok").asBoolean(), stop.toString());
        assertEquals(List.of("stop [] [main]"), manager.calls);
        JsonNode status = new ObjectMapper().readTree(server.execute("{\"command\":\"status\"}"));
        JsonNode viaSocket = send(request("status"));
        assertEquals(viaSocket.get("inputs"), status.get("inputs"), "the same answer as the CLI gets");
        JsonNode shutdown = new ObjectMapper().readTree(server.execute("{\"command\":\"shutdown\"}"));
        assertFalse(shutdown.get("ok").asBoolean());
        assertTrue(shutdown.get("error").asText().contains("CLI only"), shutdown.toString());
        assertEquals(1, frameworkStopped.getCount(), "the framework keeps running");
    }

    @Test
    void unknownSelectionIsAnErrorWithTheManagersMessage() throws IOException {
        JsonNode answer = send("{\"nonce\":\"" + config.nonce() + "\",\"command\":\"start\",\"names\":[\"nope\"]}");
        assertFalse(answer.get("ok").asBoolean());
        assertEquals("unknown input name 'nope'", answer.get("error").asText());
    }

    @Test
    void unknownCommandIsNamed() throws IOException {
        JsonNode answer = send(request("explode"));
        assertFalse(answer.get("ok").asBoolean());
        assertTrue(answer.get("error").asText().startsWith("unknown command 'explode'"), answer.toString());
        assertTrue(manager.calls.isEmpty());
    }

    @Test
    void wrongOrMissingNonceIsRefused() throws IOException {
        char[] wrong = config.nonce().toCharArray();
        wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
        for (String request : List.of("{\"nonce\":\"" + new String(wrong) + "\",\"command\":\"shutdown\"}",
                "{\"command\":\"shutdown\"}", "{\"nonce\":42,\"command\":\"shutdown\"}")) {
            JsonNode answer = send(request);
            assertFalse(answer.get("ok").asBoolean());
            assertEquals(ControlProtocol.REFUSED, answer.get("error").asText());
            assertFalse(answer.has("inputs"), "nothing leaks to a refused client");
        }
        assertTrue(manager.calls.isEmpty());
        assertEquals(1, frameworkStopped.getCount());
    }

    @Test
    void aSilentClientDoesNotBlockAnother() throws IOException {
        try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), config.port())) {
            assertTimeoutPreemptively(Duration.ofMillis(900), () -> {
                JsonNode answer = send(request("status"));
                assertTrue(answer.get("ok").asBoolean());
            }, "answered while the silent client is still connected (its read timeout is 1 s)");
            assertTrue(silent.isConnected());
        }
    }

    @Test
    void fourClientsSendingAByteASecondDoNotDelayStatus() throws Exception {
        List<Socket> slow = new java.util.ArrayList<>();
        java.util.concurrent.ScheduledExecutorService trickle = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < 4; i++) {
                slow.add(new Socket(InetAddress.getLoopbackAddress(), config.port()));
            }
            trickle.scheduleAtFixedRate(() -> slow.forEach(ControlServerTest::oneByte), 0, 1, TimeUnit.SECONDS);
            for (int round = 0; round < 3; round++) {
                long began = System.nanoTime();
                JsonNode answer = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> send(request("status")));
                assertTrue(answer.get("ok").asBoolean());
                System.out.println("ControlServerTest: status beside 4 slow clients in "
                        + (System.nanoTime() - began) / 1_000_000 + " ms");
            }
        } finally {
            trickle.shutdownNow();
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void aSlowClientIsCutOffAtItsWholeRequestDeadline() throws Exception {
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), config.port())) {
            slow.setSoTimeout(10_000);
            long began = System.nanoTime();
            slow.getOutputStream().write('{'); // and never the rest: the deadline (1 s here) closes it
            assertEquals(-1, slow.getInputStream().read(), "closed without an answer");
            long millis = (System.nanoTime() - began) / 1_000_000;
            assertTrue(millis >= 900 && millis < 5_000, millis + " ms");
        }
    }

    @Test
    void manyIdleConnectionsCostNoWorker() throws Exception {
        List<Socket> idle = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                idle.add(new Socket(InetAddress.getLoopbackAddress(), config.port()));
            }
            JsonNode answer = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> send(request("status")));
            assertTrue(answer.get("ok").asBoolean());
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void refusedRequestsAreLoggedAtMostOncePerInterval() {
        Instant[] now = {T0};
        List<String> lines = new java.util.ArrayList<>();
        RefusalLog log = new RefusalLog(new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        }, lines::add);
        for (int i = 0; i < 1000; i++) {
            log.refused("wrong or missing nonce", 40_000 + i);
        }
        assertEquals(1, lines.size(), lines.toString());
        now[0] = T0.plus(RefusalLog.INTERVAL);
        log.refused("wrong or missing nonce", 50_000);
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).endsWith("; 999 more refused in the last 10 s"), lines.get(1));
    }

    @Test
    void statusOfNamedInputsGivesTheTableAndTheirDetail() throws IOException {
        JsonNode answer = send("{\"nonce\":\"" + config.nonce() + "\",\"command\":\"status\",\"names\":[\"main\"]}");
        assertTrue(answer.get("ok").asBoolean(), answer.toString());
        assertEquals(1, answer.get("inputs").size());
        assertTrue(answer.get("table").asText().contains("50 urls, 50 new"), answer.toString());
        assertTrue(answer.get("details").get(0).asText().contains("detail:         50 urls, 50 new"),
                answer.toString());

        JsonNode unknown = send("{\"nonce\":\"" + config.nonce() + "\",\"command\":\"status\",\"names\":[\"nosuch\"]}");
        assertFalse(unknown.get("ok").asBoolean());
        assertEquals("no input named 'nosuch' (inputs: main, spare)", unknown.get("error").asText());
    }

    @Test
    void fetchSaysWhenEachNamedInputFetches() throws IOException {
        JsonNode answer = send("{\"nonce\":\"" + config.nonce() + "\",\"command\":\"fetch\",\"names\":[\"main\",\"spare\"]}");
        assertTrue(answer.get("ok").asBoolean(), answer.toString());
        assertEquals("2026-01-01T00:01:00Z", answer.get("fetch").get("main").asText());
        assertTrue(answer.get("fetch").get("spare").isNull(), "spare does not run");
        assertFalse(send(request("fetch")).get("ok").asBoolean(), "fetch needs names");
    }

    @Test
    void startSaysWhyASelectedInputDoesNotRun() throws IOException {
        manager.state("spare", org.cybexp.input.core.control.InputState.DISABLED);
        JsonNode answer = send("{\"nonce\":\"" + config.nonce() + "\",\"command\":\"start\",\"names\":[\"spare\"]}");
        assertTrue(answer.get("ok").asBoolean(), answer.toString());
        JsonNode idle = answer.get("not_started").get(0);
        assertEquals("spare", idle.get("name").asText());
        assertEquals("'spare' is disabled (enabled = false): set enabled = true in its"
                + " etc/cybexp.source.openphish-*.cfg to start it", idle.get("reason").asText());
    }

    @Test
    void aGracefulShutdownSaysWhichFetchesItWaitsFor() throws Exception {
        manager.state("main", org.cybexp.input.core.control.InputState.RUNNING);
        JsonNode answer = send(request("shutdown"));
        assertTrue(answer.get("ok").asBoolean(), answer.toString());
        assertEquals("[\"main\"]", answer.get("waiting_for").toString());
        assertEquals(30, answer.get("graceful_timeout_s").asInt());
        assertTrue(frameworkStopped.await(10, TimeUnit.SECONDS));
    }

    private static void oneByte(Socket socket) {
        try {
            socket.getOutputStream().write(' ');
        } catch (IOException closed) {
            // cut off at its deadline, as it should be
        }
    }

    @Test
    void oversizeRequestIsRefused() throws IOException {
        byte[] big = new byte[ControlEndpoint.MAX_REQUEST_BYTES + 10];
        Arrays.fill(big, (byte) 'x');
        JsonNode answer = send(new String(big, StandardCharsets.US_ASCII));
        assertFalse(answer.get("ok").asBoolean());
        assertTrue(answer.get("error").asText().contains("too large"), answer.toString());
        assertTrue(manager.calls.isEmpty());
    }

    @Test
    void shutdownAnswersThenStopsInputsAndFramework() throws Exception {
        JsonNode answer = send("{\"nonce\":\"" + config.nonce() + "\",\"command\":\"shutdown\",\"immediate\":true}");
        assertTrue(answer.get("ok").asBoolean());
        assertTrue(frameworkStopped.await(10, TimeUnit.SECONDS), "framework stop requested");
        assertEquals(List.of("stopAll true"), manager.calls);
    }

    @Test
    void closeRemovesRunningConfigButNotANewerDaemons() throws IOException {
        server.close();
        assertFalse(Files.exists(data.resolve(RunningConfig.FILE_NAME)));

        server = new ControlServer(manager, data, 0, () -> { }, Clock.systemUTC(), 1_000);
        RunningConfig newer = new RunningConfig("127.0.0.1", 1, "f".repeat(64), 1, T0);
        newer.write(data);
        server.close();
        assertEquals(newer, RunningConfig.read(data.resolve(RunningConfig.FILE_NAME)));
    }

    @Test
    void aSecondDaemonOnTheSameDataFolderOpensNoEndpoint() throws IOException {
        ControlServer second = new ControlServer(manager, data, 0, () -> { }, Clock.systemUTC(), 1_000);
        try {
            assertEquals(-1, second.port());
            assertEquals(config, RunningConfig.read(data.resolve(RunningConfig.FILE_NAME)), "first one's file kept");
        } finally {
            second.close();
        }
        assertTrue(send(request("status")).get("ok").asBoolean(), "the first daemon still answers");
    }

    @Test
    void statusCarriesTheDeliveryStateAndDeadLetters() throws IOException {
        JsonNode main = send(request("status")).get("inputs").get(0);
        assertEquals(2, main.get("dead_letters").asLong());
        assertEquals("2026-01-01T00:30:00Z", main.get("last_delivery").asText());
        assertEquals("RETRYING", main.get("delivery_state").asText());
        assertEquals("2026-01-01T00:31:00Z", main.get("delivery_retry_at").asText());
        assertEquals("503 Service Unavailable", main.get("delivery_error").asText());
        assertEquals(7, main.get("refused").asLong());
        assertEquals(5, main.get("details").get("udp").get("kernel_drops").asInt());
        JsonNode spare = send(request("status")).get("inputs").get(1);
        assertEquals("IDLE", spare.get("delivery_state").asText());
        assertTrue(spare.get("last_delivery").isNull());
    }

    @Test
    void deadLettersAreListedAllOrByInput() throws IOException {
        server.deadLetters = new FakeDeadLetterStore();
        JsonNode all = send(deadLetters("list", "[]", false, "[]"));
        assertTrue(all.get("ok").asBoolean(), all.toString());
        assertEquals(3, all.get("deadletters").size());
        JsonNode first = all.get("deadletters").get(0);
        assertEquals("main/00000000000000000001", first.get("id").asText());
        assertEquals("main", first.get("input").asText());
        assertEquals(400, first.get("status").asInt());
        assertEquals("Invalid input", first.get("message").asText());
        assertEquals("2026-02-01T08:00:00Z", first.get("at").asText());
        assertEquals(38, first.get("size").asLong());
        assertEquals("openphish-file-feed", first.get("typetag").asText());

        JsonNode spare = send(deadLetters("list", "[]", false, "[\"spare\"]"));
        assertEquals(1, spare.get("deadletters").size());
    }

    @Test
    void showGivesTheStartOfTheBodyAsText() throws IOException {
        server.deadLetters = new FakeDeadLetterStore();
        JsonNode small = send(deadLetters("show", "[\"main/00000000000000000001\"]", false, "[]"))
                .get("deadletter");
        assertEquals("https://a.example/\nhttps://b.example/\n", small.get("body").asText());
        assertFalse(small.get("truncated").asBoolean());
        assertFalse(small.get("binary").asBoolean());
        assertEquals("it-org", small.get("orgid").asText());
        assertEquals("text/plain", small.get("media_type").asText());
        assertEquals("/data/deadletter/main/00000000000000000001.evt", small.get("file").asText());

        JsonNode big = send(deadLetters("show", "[\"main/00000000000000000002\"]", false, "[]"))
                .get("deadletter");
        assertEquals(DeadLetterCommand.SHOW_BYTES, big.get("body").asText().length());
        assertTrue(big.get("truncated").asBoolean());
        assertEquals(5000, big.get("size").asLong());
    }

    @Test
    void replayAndPurgeTakeIdsOrAnExplicitAll() throws IOException {
        FakeDeadLetterStore store = new FakeDeadLetterStore();
        server.deadLetters = store;

        JsonNode neither = send(deadLetters("purge", "[]", false, "[]"));
        assertFalse(neither.get("ok").asBoolean());
        assertEquals("deadletters purge needs dead-letter ids or --all (not both)", neither.get("error").asText());
        assertFalse(send(deadLetters("replay", "[\"main/00000000000000000001\"]", true, "[]")).get("ok")
                .asBoolean(), "ids and --all together");
        assertEquals(List.of(), store.purged);

        JsonNode one = send(deadLetters("purge", "[\"spare/00000000000000000003\"]", false, "[]"));
        assertEquals("spare/00000000000000000003", one.get("purged").get(0).asText());
        JsonNode main = send(deadLetters("replay", "[]", true, "[\"main\"]"));
        assertTrue(main.get("ok").asBoolean(), main.toString());
        assertEquals(List.of("main/00000000000000000001", "main/00000000000000000002"), store.replayed);
        assertEquals(0, send(deadLetters("list", "[]", false, "[]")).get("deadletters").size());
    }

    @Test
    void unknownDeadLetterIdsAndActionsAreClearErrors() throws IOException {
        server.deadLetters = new FakeDeadLetterStore();
        JsonNode unknown = send(deadLetters("replay", "[\"main/9\",\"main/00000000000000000001\"]", false,
                "[]"));
        assertFalse(unknown.get("ok").asBoolean());
        assertEquals("no dead letter main/9 (see 'deadletters list')", unknown.get("error").asText());
        assertEquals(3, send(deadLetters("list", "[]", false, "[]")).get("deadletters").size(), "nothing replayed");
        JsonNode action = send(deadLetters("resend", "[]", false, "[]"));
        assertTrue(action.get("error").asText().startsWith("unknown deadletters action 'resend'"), action.toString());
        JsonNode show = send(deadLetters("show", "[]", false, "[]"));
        assertEquals("deadletters show takes exactly one id", show.get("error").asText());
    }

    @Test
    void withoutTheDeliveryBundleDeadLettersSaySo() throws IOException {
        JsonNode answer = send(deadLetters("list", "[]", false, "[]"));
        assertFalse(answer.get("ok").asBoolean());
        assertEquals("dead letters are not available: the delivery bundle is not running",
                answer.get("error").asText());
    }

    private String deadLetters(String action, String ids, boolean all, String names) {
        return "{\"nonce\":\"" + config.nonce() + "\",\"command\":\"deadletters\",\"action\":\"" + action
                + "\",\"ids\":" + ids + ",\"all\":" + all + ",\"names\":" + names + "}";
    }

    private String request(String command) {
        return "{\"nonce\":\"" + config.nonce() + "\",\"command\":\"" + command + "\"}";
    }

    private JsonNode send(String line) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), config.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            return JSON.readTree(in.readLine());
        }
    }
}
