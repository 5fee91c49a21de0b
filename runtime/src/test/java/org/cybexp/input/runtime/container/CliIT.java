package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code bin/cybexp-input} end to end, on a copy of the built distribution: the real script, the real daemon
 * (one boot for the whole class: the steps run in order), a loopback feed and a loopback CYBEX-P {@code /raw}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {

    private static final String TOKEN = "cli-it-token-7d2e";
    private static final Pattern JSON_STATE = Pattern.compile("\"name\":\"main\".*?\"state\":\"([A-Z_]+)\"");
    private static final Pattern JSON_DELIVERED = Pattern.compile("\"name\":\"main\".*?\"delivered\":(\\d+)");

    private Distribution dist;
    private Path home;
    private Path elsewhere;
    private FeedServer feed;
    private RawReceiver raw;
    private long deadPid;
    private long daemonPid = -1;

    @BeforeAll
    void distributionWithLoopbackFeedAndApi() throws Exception {
        dist = Distribution.copyOfBuilt("cybexp-cli-it");
        home = dist.home();
        elsewhere = dist.elsewhere();
        feed = new FeedServer();
        feed.serve(Files.readAllBytes(fixtures().resolve("openphish/feed.txt")));
        raw = new RawReceiver(TOKEN);
        Files.writeString(home.resolve("etc/cybexp.api.cfg"), "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
        Files.writeString(home.resolve("etc/cybexp.source.openphish-main.cfg"), "name = main\norgid = it-org\n"
                + "typetag = openphish-file-feed\ntimezone = UTC\nurl = " + feed.url()
                + "\nmin_interval = 0\nperiod = 3600\n");
        // A runningconfig left by a daemon that died: its pid is a process that has ended.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(10, TimeUnit.SECONDS);
        deadPid = gone.pid();
        Files.writeString(home.resolve("data/runningconfig"), "host=127.0.0.1\nport=1\nnonce=" + "0".repeat(64)
                + "\npid=" + deadPid + "\nstarted=2026-01-01T00:00:00Z\n");
    }

    @AfterAll
    void stopEverything() throws Exception {
        try {
            dist.stopDaemon(daemonPid);
        } finally {
            feed.close();
            raw.close();
            dist.close();
        }
    }

    @Test
    @Order(1)
    void startCleansAStaleRunningConfigAndBootsTheDaemon() throws Exception {
        long began = System.nanoTime();
        Result start = cli("start");
        long bootMillis = (System.nanoTime() - began) / 1_000_000;
        assertEquals(0, start.code(), start.toString());
        assertTrue(start.err().contains("removed stale data/runningconfig (pid " + deadPid), start.toString());
        assertTrue(start.out().contains("cybexp-input started (pid "), start.toString());

        Properties running = runningConfig();
        daemonPid = Long.parseLong(running.getProperty("pid"));
        assertNotEquals(deadPid, daemonPid);
        assertTrue(ProcessHandle.of(daemonPid).orElseThrow().isAlive());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                home.resolve("data/runningconfig"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("data"))),
                "outboxes, state and ConfigAdmin's store are private");
        System.out.println("CliIT: start -> first status answer in " + bootMillis + " ms");
    }

    @Test
    @Order(2)
    void aSecondStartDoesNotSpawnASecondDaemon() throws Exception {
        Result again = cli("start");
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("already running (pid " + daemonPid + ")"), again.toString());
        assertEquals(Long.toString(daemonPid), runningConfig().getProperty("pid"));
        assertEquals(1, daemonsOfThisHome(), "one daemon JVM for this home");
    }

    @Test
    @Order(3)
    void statusShowsTheInputDelivering() throws Exception {
        Await.until(60, "main delivered", () -> {
            Result status = cli("status", "--json");
            return status.code() == 0 && delivered(status.out()) > 0;
        });
        Set<String> expected = Set.copyOf(Files.readAllLines(fixtures().resolve("openphish/feed.txt")).stream()
                .map(String::trim).filter(l -> !l.isEmpty()).toList());
        assertEquals(expected, Set.copyOf(raw.lines()));
        assertEquals("main", raw.posts().get(0).fields().get("name"));

        Result table = cli("status");
        assertEquals(0, table.code(), table.toString());
        assertTrue(table.out().contains("NAME"), table.out());
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("main") && l.contains("openphish")), table.out());
        assertFalse(table.out().contains(TOKEN), "the token is never shown");
    }

    @Test
    @Order(4)
    void stopOneInputByName() throws Exception {
        Result stop = cli("stop", "-n", "main");
        assertEquals(0, stop.code(), stop.toString());
        assertTrue(stop.out().contains("stopped: main"), stop.toString());
        assertEquals("STOPPED", state(cli("status", "--json").out()));
    }

    @Test
    @Order(5)
    void restartByPlugin() throws Exception {
        Result restart = cli("restart", "-p", "openphish");
        assertEquals(0, restart.code(), restart.toString());
        assertTrue(restart.out().contains("restarted: main"), restart.toString());
        Await.until(30, "main running again",
                () -> List.of("RUNNING", "WAITING").contains(state(cli("status", "--json").out())));
    }

    @Test
    @Order(6)
    void unknownNameIsAClearError() throws Exception {
        Result stop = cli("stop", "-n", "nosuchinput");
        assertEquals(1, stop.code(), stop.toString());
        assertTrue(stop.err().contains("nosuchinput"), stop.toString());

        Result usage = cli("frobnicate");
        assertEquals(1, usage.code());
        assertTrue(usage.err().contains("unknown command 'frobnicate'") && usage.err().contains("Usage:"),
                usage.toString());
    }

    @Test
    @Order(7)
    void aRequestWithAWrongNonceIsRefused() throws Exception {
        int port = Integer.parseInt(runningConfig().getProperty("port"));
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("{\"nonce\":\"" + "ab".repeat(32) + "\",\"command\":\"shutdown\"}\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            String answer = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertEquals("{\"ok\":false,\"error\":\"refused: wrong or missing nonce\"}", answer);
        }
        assertTrue(ProcessHandle.of(daemonPid).orElseThrow().isAlive(), "still running");
    }

    @Test
    @Order(8)
    void theScriptWorksThroughASymlink() throws Exception {
        Path link = elsewhere.resolve("cx");
        Files.createSymbolicLink(link, home.resolve("bin/cybexp-input"));
        Result status = run(List.of(link.toString(), "status"));
        assertEquals(0, status.code(), status.toString());
        assertTrue(status.out().contains("pid " + daemonPid), status.toString());
    }

    @Test
    @Order(9)
    void stopEndsTheDaemon() throws Exception {
        Result stop = cli("stop");
        assertEquals(0, stop.code(), stop.toString());
        assertFalse(ProcessHandle.of(daemonPid).map(ProcessHandle::isAlive).orElse(false), "pid gone");
        assertFalse(Files.exists(home.resolve("data/runningconfig")), "runningconfig removed");

        Result status = cli("status");
        assertEquals(3, status.code(), status.toString());
        assertTrue(status.err().contains("not running"), status.toString());
        assertEquals(3, cli("stop").code());
        assertEquals(3, cli("restart", "-n", "main").code());
    }

    @Test
    @Order(10)
    void runWithShellGivesTheFelixShellAndEndsWithItsInput() throws Exception {
        Path typed = Files.createTempFile(elsewhere, "typed", ".txt");
        Files.writeString(typed, "lb -s\n");
        Result shell = run(List.of(home.resolve("bin/cybexp-input").toString(), "run", "--shell"), typed.toFile());
        assertEquals(0, shell.code(), shell.toString());
        assertTrue(shell.out().contains("org.cybexp.input.manager"), shell.toString());
        assertTrue(shell.out().contains("Active"), shell.toString());
        assertFalse(Files.exists(home.resolve("data/runningconfig")), "runningconfig removed at the end");
    }

    @Test
    @Order(11)
    void signalsRestartReloadAndStopTheDaemon() throws Exception {
        assertEquals(0, cli("start").code());
        long pid = Long.parseLong(runningConfig().getProperty("pid"));
        Path log = home.resolve("log/cybexp-input.log");

        signal("USR1", pid);
        Await.until(30, "inputs restarted", () -> Files.readString(log).contains("SIGUSR1: restarting every input"));
        Await.until(30, "main active again", () -> List.of("RUNNING", "WAITING", "BACKING_OFF")
                .contains(state(cli("status", "--json").out())));
        signal("HUP", pid);
        Await.until(30, "configuration re-read", () -> Files.readString(log).contains("SIGHUP: re-reading"));
        assertEquals(0, cli("status").code(), "still running after USR1 and HUP");

        signal("TERM", pid);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(60, TimeUnit.SECONDS).join());
        assertFalse(Files.exists(home.resolve("data/runningconfig")), "a graceful stop removes runningconfig");
        assertEquals(3, cli("status").code());
    }

    // ---- helpers

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name);
    }

    private Result cli(String... args) throws IOException, InterruptedException {
        return dist.cli(args);
    }

    private Result run(List<String> command) throws IOException, InterruptedException {
        return dist.run(command);
    }

    private Result run(List<String> command, java.io.File stdin) throws IOException, InterruptedException {
        return dist.run(command, stdin);
    }

    private long daemonsOfThisHome() {
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> List.of(a).contains("run")
                && String.join(" ", a).contains(home.resolve("bin").toString())).orElse(false)).count();
    }

    private Properties runningConfig() throws IOException {
        return dist.runningConfig();
    }

    private static String state(String json) {
        Matcher m = JSON_STATE.matcher(json);
        return m.find() ? m.group(1) : "";
    }

    private static long delivered(String json) {
        Matcher m = JSON_DELIVERED.matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static Path fixtures() {
        return Path.of(System.getProperty("cybexp.it.fixtures"));
    }
}
