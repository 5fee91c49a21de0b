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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/cybexp-input} end to end, on a copy of the built distribution: the real script, the real daemon,
 * a loopback feed and a loopback CYBEX-P {@code /raw}. Every test has its own copy, servers and daemon, so
 * tests run in any order and one failure never cascades.
 */
class CliIT {

    private static final String TOKEN = "cli-it-token-7d2e";
    /** A signal's handler runs in a new thread, which a loaded machine (2 cores, several builds) may start late. */
    private static final int SIGNAL_SECONDS = 120;
    private static final Pattern JSON_STATE = Pattern.compile("\"name\":\"main\".*?\"state\":\"([A-Z_]+)\"");
    private static final Pattern JSON_DELIVERED = Pattern.compile("\"name\":\"main\".*?\"delivered\":(\\d+)");

    private Distribution dist;
    private Path home;
    private FeedServer feed;
    private RawReceiver raw;

    @BeforeEach
    void distributionWithLoopbackFeedAndApi() throws Exception {
        dist = Distribution.copyOfBuilt("cybexp-cli-it");
        home = dist.home();
        feed = new FeedServer();
        feed.serve(Files.readAllBytes(fixtures().resolve("openphish/feed.txt")));
        raw = new RawReceiver(TOKEN);
        Files.writeString(home.resolve("etc/cybexp.api.cfg"), "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
        mainInput(feed.url());
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            dist.close();
        } finally {
            feed.close();
            raw.close();
        }
    }

    @Test
    void startStatusStopAndTheMessagesOnTheWay() throws Exception {
        long deadPid = endedProcess();
        staleRunningConfig(deadPid);
        Files.writeString(home.resolve("etc/cybexp.source.nosuchplugin-ghost.cfg"), "orgid = it-org\n");

        long began = System.nanoTime();
        Result start = cli("start");
        System.out.println("CliIT: start -> first status answer in " + (System.nanoTime() - began) / 1_000_000
                + " ms");
        assertEquals(0, start.code(), start.toString());
        assertTrue(start.err().contains("removed stale data/runningconfig (pid " + deadPid), start.toString());
        assertTrue(start.out().contains("cybexp-input started (pid "), start.toString());
        long pid = Long.parseLong(runningConfig().getProperty("pid"));
        assertNotEquals(deadPid, pid);
        assertPrivate();

        Result again = cli("start");
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("already running (pid " + pid + ")"), again.toString());
        assertFalse(again.out().contains("started: misp_api"), "a disabled input is not started: " + again);
        assertTrue(again.out().contains("not started: 'misp_api' is disabled"), again.toString());
        assertEquals(1, daemonsOfThisHome(), "one daemon JVM for this home");

        Await.until(60, "main delivered", () -> delivered(cli("status", "--json").out()) > 0);
        Set<String> expected = Set.copyOf(Files.readAllLines(fixtures().resolve("openphish/feed.txt")).stream()
                .map(String::trim).filter(l -> !l.isEmpty()).toList());
        assertEquals(expected, Set.copyOf(raw.lines()));
        Result table = cli("status");
        assertEquals(0, table.code(), table.toString());
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("main") && l.contains("openphish")
                && l.contains("50 urls")), "the detail shows in the table: " + table.out());
        assertFalse(table.out().contains(TOKEN), "the token is never shown");

        Result one = cli("status", "-n", "main");
        assertEquals(0, one.code(), one.toString());
        assertTrue(one.out().contains("  detail:") && one.out().lines().noneMatch(l -> l.startsWith("misp_api")),
                one.out());
        Result fetch = cli("fetch", "-n", "main");
        assertEquals(0, fetch.code(), fetch.toString());
        assertTrue(fetch.out().startsWith("main: fetching"), fetch.toString());
        Result logs = cli("logs", "-n", "main");
        assertEquals(0, logs.code(), logs.toString());
        assertTrue(logs.out().contains("input 'main'") && !logs.out().contains("'misp_api'"), logs.out());
        Result misspelt = cli("logs", "-n", "mian");
        assertTrue(misspelt.code() == 1 && misspelt.err().contains("no line") && misspelt.out().isEmpty(),
                "a name no line mentions is an error, not an empty success: " + misspelt);
        assertLogsFollowWhatIsAppended();

        Result stop = cli("stop", "-n", "main");
        assertTrue(stop.code() == 0 && stop.out().contains("stopped: main"), stop.toString());
        assertEquals("STOPPED", state(cli("status", "--json").out()));
        Result startOne = cli("start", "-n", "main");
        assertTrue(startOne.code() == 0 && startOne.out().equals("started: main\n"),
                "no 'already running' before a start -n: " + startOne);
        Result restart = cli("restart", "-p", "openphish");
        assertTrue(restart.code() == 0 && restart.out().contains("restarted: main"), restart.toString());

        Result disabled = cli("start", "-n", "misp_api");
        assertEquals(1, disabled.code(), disabled.toString());
        assertTrue(disabled.err().contains("'misp_api' is disabled (enabled = false): set enabled = true"),
                disabled.toString());
        Result missing = cli("restart", "-p", "nosuchplugin");
        assertEquals(1, missing.code(), missing.toString());
        assertTrue(missing.err().contains("its plugin 'nosuchplugin' is not installed"), missing.toString());
        Result missingByName = cli("restart", "-n", "ghost");
        assertEquals(1, missingByName.code(), missingByName.toString());
        assertFalse(missingByName.out().contains("restarted: ghost"), missingByName.toString());
        assertTrue(missingByName.err().contains("'ghost' cannot start: its plugin 'nosuchplugin' is not installed"),
                missingByName.toString());

        assertUnknownNamesAreErrors();
        assertAWrongNonceIsRefused(pid);
        Path link = dist.elsewhere().resolve("cx");
        Files.createSymbolicLink(link, home.resolve("bin/cybexp-input"));
        Result viaLink = dist.run(List.of(link.toString(), "status"));
        assertTrue(viaLink.code() == 0 && viaLink.out().contains("pid " + pid), viaLink.toString());

        Result stopAll = cli("stop");
        assertEquals(0, stopAll.code(), stopAll.toString());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid gone");
        assertFalse(Files.exists(home.resolve("data/runningconfig")), "runningconfig removed");
        Result status = cli("status");
        assertTrue(status.code() == 3 && status.err().contains("not running"), status.toString());
        assertEquals(3, cli("stop").code());
        assertEquals(3, cli("restart", "-n", "main").code());
        Result version = cli("version");
        assertTrue(version.code() == 0 && version.out().matches("cybexp-input \\d+\\.\\d+\\.\\d+.*\\n"),
                version.toString());
    }

    @Test
    void startRightAfterAKillNineAndOverAPidThatLivesOn() throws Exception {
        assertEquals(0, cli("start").code());
        long killed = Long.parseLong(runningConfig().getProperty("pid"));
        new ProcessBuilder("kill", "-9", Long.toString(killed)).inheritIO().start().waitFor();

        Result restart = cli("start"); // at once: the dead daemon may not be reaped yet, its pid still "alive"
        assertEquals(0, restart.code(), restart.toString());
        assertTrue(restart.out().contains("cybexp-input started (pid "), restart.toString());
        long second = Long.parseLong(runningConfig().getProperty("pid"));
        assertNotEquals(killed, second);
        assertEquals(0, cli("stop").code());

        // A runningconfig naming a process that lives on (here: this test's JVM) but is no daemon of this home.
        staleRunningConfig(ProcessHandle.current().pid());
        Result status = cli("status");
        assertEquals(3, status.code(), status.toString());
        staleRunningConfig(ProcessHandle.current().pid());
        Result overReused = cli("start");
        assertEquals(0, overReused.code(), overReused.toString());
        assertTrue(overReused.err().contains("removed stale data/runningconfig (pid " + ProcessHandle.current().pid()),
                overReused.toString());
    }

    @Test
    void aSecondSigtermStopsAtOnceWhileAFetchHangs() throws Exception {
        try (SilentFeed silent = new SilentFeed()) {
            mainInput(silent.url());
            assertEquals(0, cli("start").code());
            long pid = Long.parseLong(runningConfig().getProperty("pid"));
            Await.until(60, "main fetching from a feed that never answers",
                    () -> silent.connections() > 0 && "RUNNING".equals(state(cli("status", "--json").out())));

            long began = System.nanoTime();
            signal("TERM", pid);
            Await.until(10, "graceful stop waits", () -> log().contains("waiting up to 30 s for the running fetch"
                    + " of 'main'"));
            signal("TERM", pid);
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(20, TimeUnit.SECONDS).join());
            long millis = (System.nanoTime() - began) / 1_000_000;
            System.out.println("CliIT: TERM, TERM during a hung fetch: the daemon exited after " + millis + " ms");
            assertTrue(millis < 15_000, "exited well before the 30 s graceful wait: " + millis + " ms");

            assertEquals(0, cli("start").code());
            Await.until(60, "fetching again", () -> "RUNNING".equals(state(cli("status", "--json").out())));
            ProcessBuilder stop = new ProcessBuilder(home.resolve("bin/cybexp-input").toString(), "stop")
                    .redirectErrorStream(true);
            stop.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process graceful = stop.start();
            // start rotated the log: this one is the second daemon's
            Await.until(10, "the stop says what it waits for", () -> log().contains("StopQueue - stopping: waiting"));
            Result now = cli("stop", "--now");
            assertTrue(graceful.waitFor(30, TimeUnit.SECONDS), "the graceful stop ended with the immediate one");
            String said = new String(graceful.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(said.contains("stopping: waiting up to 30 s for the running fetch of main"), said);
            assertTrue(now.code() == 0 || now.code() == 3, now.toString());
        }
    }

    @Test
    void signalsRestartReloadAndStopTheDaemon() throws Exception {
        assertEquals(0, cli("start").code());
        long pid = Long.parseLong(runningConfig().getProperty("pid"));

        // A signal without a handler is never logged, however long one waits: first see the handlers installed
        // (a JVM started with HUP ignored, e.g. under nohup, installs none for it).
        Await.until(SIGNAL_SECONDS, "the daemon catches USR1 and HUP (SigCgt of /proc/" + pid + "/status)",
                () -> catches(pid, "USR1") && catches(pid, "HUP"));
        signal("USR1", pid);
        Await.until(SIGNAL_SECONDS, "inputs restarted", () -> log().contains("SIGUSR1: restarting every input"));
        Await.until(SIGNAL_SECONDS, "main active again", () -> List.of("RUNNING", "WAITING", "BACKING_OFF")
                .contains(state(cli("status", "--json").out())));
        signal("HUP", pid);
        Await.until(SIGNAL_SECONDS, "configuration re-read", () -> log().contains("SIGHUP: re-reading"));
        assertEquals(0, cli("status").code(), "still running after USR1 and HUP");

        signal("TERM", pid);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(60, TimeUnit.SECONDS).join());
        assertFalse(Files.exists(home.resolve("data/runningconfig")), "a graceful stop removes runningconfig");
        assertEquals(3, cli("status").code());
    }

    @Test
    void runWithShellGivesTheFelixShellWritesTheLogAndEndsWithExit() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/cybexp-input").toString(), "run", "--shell")
                .directory(dist.elsewhere().toFile()).redirectErrorStream(true);
        builder.environment().remove("CYBEXP_HOME");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", "-Xmx256m");
        Process shell = builder.start();
        StringBuffer seen = new StringBuffer();
        Thread reader = new Thread(() -> {
            try {
                shell.getInputStream().transferTo(new OutputStream() {
                    @Override
                    public void write(int b) {
                        seen.append((char) b);
                    }
                });
            } catch (IOException ended) {
                // the shell ended
            }
        });
        reader.start();
        OutputStream typed = shell.getOutputStream();
        try {
            Await.until(60, "the daemon answers", () -> cli("status").out().contains("openphish"));
            type(typed, "cybexp:status");
            Await.until(10, "the shell's status is the CLI's", () -> seen.toString().contains("cybexp-input running, pid")
                    && seen.toString().contains("LAST-ERROR"));
            type(typed, "cybexp:stop nosuch");
            Await.until(10, "unknown name", () -> seen.toString().contains("cybexp: no input named 'nosuch'"));
            type(typed, "exit");
            assertTrue(shell.waitFor(60, TimeUnit.SECONDS), "exit stops the container: " + seen);
        } finally {
            shell.destroyForcibly();
            reader.join(10_000);
        }
        String out = seen.toString();
        assertEquals(0, shell.exitValue(), out);
        assertFalse(out.contains("Cannot coerce"), out);
        assertFalse(out.contains("UnknownSelectionException"), "no Java class names: " + out);
        assertFalse(out.matches("(?s).*g! \\d{4}-\\d\\d-\\d\\dT.*"), "no log line after a prompt: " + out);
        String log = log();
        assertTrue(log.contains("Control endpoint listening on"), "run writes log/cybexp-input.log");
        assertTrue(log.lines().findFirst().orElse("").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* "
                + "\\[[^]]+\\] INFO \\S+ - .*"), "the first line has the log's format: " + log);
        // JUL's own format would start a record with e.g. "Dec 01, 2026 9:13:58 PM org.apache.aries..."
        assertTrue(log.lines().noneMatch(l -> l.matches("[A-Z][a-z]{2} \\d\\d?, \\d{4} .*")),
                "JUL lines in the log's format");
        // Jetty and SPI Fly log at WARN (etc/system.properties): their start-up INFO lines stay out
        assertFalse(log.contains("INFO BaseActivator") || log.contains("INFO Server - jetty-"), log);
        assertPrivate();
        assertFalse(Files.exists(home.resolve("data/runningconfig")), "runningconfig removed at the end");
    }

    // ---- helpers

    /** {@code logs -f -n main} prints main's lines as they come, until it is stopped. */
    private void assertLogsFollowWhatIsAppended() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/cybexp-input").toString(), "logs", "-f", "-n",
                "main").redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process follow = builder.start();
        StringBuffer seen = new StringBuffer();
        Thread reader = new Thread(() -> {
            try {
                follow.getInputStream().transferTo(new OutputStream() {
                    @Override
                    public void write(int b) {
                        seen.append((char) b);
                    }
                });
            } catch (IOException ended) {
                // stopped by the test
            }
        });
        reader.start();
        try {
            Await.until(10, "the log so far", () -> seen.toString().contains("input 'main'"));
            int before = seen.length();
            assertEquals(0, cli("restart", "-n", "main").code());
            Await.until(20, "main's restart, as it is logged", () -> seen.substring(before).contains("input 'main'"));
            assertTrue(follow.isAlive(), "-f keeps following");
        } finally {
            follow.destroy();
            follow.waitFor(10, TimeUnit.SECONDS);
            reader.join(10_000);
        }
    }

    private void assertUnknownNamesAreErrors() throws Exception {
        Result stop = cli("stop", "-n", "nosuchinput");
        assertTrue(stop.code() == 1 && stop.err().contains("nosuchinput"), stop.toString());
        Result status = cli("status", "-n", "nosuchinput");
        assertTrue(status.code() == 1 && status.err().contains("no input named 'nosuchinput'"), status.toString());
        Result letters = cli("deadletters", "list", "-n", "nosuchinput");
        assertTrue(letters.code() == 1 && letters.err().contains("no input named 'nosuchinput'"), letters.toString());
        Result replay = cli("deadletters", "replay");
        assertEquals(1, replay.code(), replay.toString());
        assertTrue(replay.err().endsWith("Usage: cybexp-input deadletters replay ID...|--all [-n NAME...]\n"),
                "one usage line, not the whole help: " + replay);
        Result usage = cli("frobnicate");
        assertTrue(usage.code() == 1 && usage.err().contains("unknown command 'frobnicate'")
                && usage.err().contains("Usage:"), usage.toString());
    }

    private void assertAWrongNonceIsRefused(long pid) throws IOException {
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
        assertTrue(ProcessHandle.of(pid).orElseThrow().isAlive(), "still running");
    }

    /** data/ and log/ (and the log) are the daemon's user's only. */
    private void assertPrivate() throws IOException {
        assertEquals("rwx------", mode(home.resolve("data")), "outboxes, state and ConfigAdmin's store");
        if (Files.exists(home.resolve("data/runningconfig"))) {
            assertEquals("rw-------", mode(home.resolve("data/runningconfig")));
        }
        assertEquals("rwx------", mode(home.resolve("log")), "the log holds samples of feed data");
        assertEquals("rw-------", mode(home.resolve("log/cybexp-input.log")));
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private void mainInput(String url) throws IOException {
        dist.configure("cybexp.source.openphish-main.cfg", "name = main\norgid = it-org\n"
                + "typetag = openphish-file-feed\ntimezone = UTC\nurl = " + url + "\nmin_interval = 0\nperiod = 3600\n");
    }

    private void staleRunningConfig(long pid) throws IOException {
        Files.writeString(home.resolve("data/runningconfig"), "host=127.0.0.1\nport=1\nnonce=" + "0".repeat(64)
                + "\npid=" + pid + "\nstarted=2026-01-01T00:00:00Z\n");
    }

    private static long endedProcess() throws IOException, InterruptedException {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(10, TimeUnit.SECONDS);
        return gone.pid();
    }

    private static void type(OutputStream shell, String line) throws IOException {
        shell.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        shell.flush();
    }

    private String log() throws IOException {
        return Files.readString(home.resolve("log/cybexp-input.log"));
    }

    /** Whether a process has a handler for a signal (its bit in SigCgt of /proc/PID/status, Linux). */
    private static boolean catches(long pid, String name) throws IOException {
        int number = switch (name) {
            case "HUP" -> 1;
            case "USR1" -> 10;
            default -> throw new IllegalArgumentException(name);
        };
        String caught = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("SigCgt:")).findFirst().orElseThrow().substring(7).strip();
        return new java.math.BigInteger(caught, 16).testBit(number - 1);
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name);
    }

    private Result cli(String... args) throws IOException, InterruptedException {
        return dist.cli(args);
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
