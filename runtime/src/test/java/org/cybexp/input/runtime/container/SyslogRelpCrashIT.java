package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.cybexp.input.testkit.WebServerPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The syslog plugin in the real distribution, as a RELP receiver of a real rsyslogd (omrelp, run as a child of
 * the test in a folder of its own), killed ({@code kill -9}) while rsyslog is sending. RELP is answered only for
 * what is on disk, so rsyslog sends again what got no answer once the daemon is back: every message arrives at
 * {@code /raw}.
 */
class SyslogRelpCrashIT {

    private static final String TOKEN = "syslog-crash-it-token-9a2e";
    private static final int MESSAGES = 3000;
    private static final Pattern ID = Pattern.compile("crash-msg-(\\d+)");

    private Distribution dist;
    private RawReceiver raw;
    private Path rsyslogDir;
    private Process rsyslog;

    @BeforeEach
    void distributionAndRsyslog() throws Exception {
        raw = new RawReceiver(TOKEN);
        dist = Distribution.copyOfBuilt("cybexp-syslog-crash-it");
        int relpPort = WebServerPort.free(); // the same port after the restart: rsyslog reconnects to it
        dist.configure("cybexp.api.cfg", "url = " + raw.url() + "\ntoken = " + TOKEN + "\n");
        dist.configure("cybexp.source.syslog-relp.cfg", "orgid = crash-org\nprotocol = relp\nhost = 127.0.0.1\n"
                + "port = " + relpPort + "\nmessages_per_record = 100\nrecord_seconds = 1\n");

        rsyslogDir = Files.createTempDirectory("rsyslog-crash-it");
        Files.createDirectories(rsyslogDir.resolve("spool"));
        Files.writeString(rsyslogDir.resolve("rsyslog.conf"), "global(workDirectory=\"" + rsyslogDir.resolve("spool")
                + "\")\nmodule(load=\"imtcp\")\nmodule(load=\"omrelp\")\n"
                + "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"0\" listenPortFileName=\""
                + rsyslogDir.resolve("port") + "\")\n"
                + "action(type=\"omrelp\" target=\"127.0.0.1\" port=\"" + relpPort + "\" timeout=\"5\" "
                + "template=\"RSYSLOG_SyslogProtocol23Format\" action.resumeRetryCount=\"-1\" "
                + "action.resumeInterval=\"1\" queue.type=\"LinkedList\" queue.size=\"100000\")\n");
        rsyslog = new ProcessBuilder("rsyslogd", "-n", "-f", rsyslogDir.resolve("rsyslog.conf").toString(), "-i",
                rsyslogDir.resolve("rsyslog.pid").toString()).redirectErrorStream(true)
                .redirectOutput(rsyslogDir.resolve("rsyslog.out").toFile()).start();
        Await.within(30).alias("rsyslogd listening").until(() -> inputPort() > 0);
    }

    private int inputPort() {
        try {
            String text = Files.readString(rsyslogDir.resolve("port")).strip();
            return text.isEmpty() ? 0 : Integer.parseInt(text);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            if (rsyslog != null) {
                rsyslog.destroy();
                if (!rsyslog.waitFor(10, TimeUnit.SECONDS)) {
                    rsyslog.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            dist.close();
        } finally {
            raw.close();
            if (rsyslogDir != null) {
                Distribution.deleteTree(rsyslogDir);
            }
        }
    }

    @Test
    void killedWhileRsyslogSendsOverRelpEveryMessageArrives() throws Exception {
        Result start = dist.cli("start");
        assertEquals(0, start.code(), start.toString());
        long pid = dist.daemonPid().orElseThrow();
        Thread sender = new Thread(this::send, "rsyslog-feeder");
        sender.start();
        Await.within(90).alias("the first records at /raw").until(() -> !postedIds().isEmpty());
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -9 " + pid);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        int beforeRestart = postedIds().size();
        sender.join(60_000);

        Result restart = dist.cli("start");
        assertEquals(0, restart.code(), restart.toString());
        Set<Integer> all = new HashSet<>();
        for (int i = 0; i < MESSAGES; i++) {
            all.add(i);
        }
        Await.within(120).alias("every message rsyslog sent at /raw").until(() -> postedIds().containsAll(all));
        assertTrue(beforeRestart < MESSAGES, "the kill came before everything was posted: " + beforeRestart);
        Result status = dist.cli("status", "--json");
        assertTrue(status.out().contains("\"relp\""), status.toString());
    }

    /** Feeds rsyslog's imtcp input (LF framed) at a pace that keeps messages in flight when the daemon dies. */
    private void send() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), inputPort())) {
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < MESSAGES; i++) {
                out.write(("<134>1 2026-01-02T03:04:05Z crash-host crashit - - - crash-msg-" + i + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                if (i % 50 == 49) {
                    out.flush();
                    Thread.sleep(20); // pacing the sender, not waiting for a condition
                }
            }
            out.flush();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private Set<Integer> postedIds() {
        Set<Integer> ids = new HashSet<>();
        for (RawReceiver.Post post : raw.posts()) {
            Matcher m = ID.matcher(post.fileText());
            while (m.find()) {
                ids.add(Integer.parseInt(m.group(1)));
            }
        }
        return ids;
    }
}
