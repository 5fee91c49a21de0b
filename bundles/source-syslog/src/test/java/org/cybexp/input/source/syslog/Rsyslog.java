package org.cybexp.input.source.syslog;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

/**
 * A real rsyslogd run as a child of the test ({@code rsyslogd -n -f CONF -i PIDFILE}, never the system's
 * service) in a work folder of its own: it takes messages on an imtcp port of its own (port 0, read from its
 * port file) and forwards them with the action the test gives (omfwd, omrelp).
 */
final class Rsyslog implements AutoCloseable {

    final Path dir;
    private final Process process;
    private Socket input;

    private Rsyslog(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /** Starts rsyslogd with a global section (may be empty), modules and the forwarding action. */
    static Rsyslog start(String global, String action) throws Exception {
        Path dir = Files.createTempDirectory("rsyslog-test");
        Path spool = Files.createDirectories(dir.resolve("spool"));
        String conf = "global(workDirectory=\"" + spool + "\"" + global + ")\n"
                + "module(load=\"imtcp\")\n"
                + "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"0\" listenPortFileName=\"" + dir.resolve("port")
                + "\")\n" + action + "\n";
        Files.writeString(dir.resolve("rsyslog.conf"), conf);
        Process p = new ProcessBuilder("rsyslogd", "-n", "-f", dir.resolve("rsyslog.conf").toString(), "-i",
                dir.resolve("rsyslog.pid").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("rsyslog.out").toFile()).start();
        Rsyslog r = new Rsyslog(dir, p);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !p.isAlive() || portFile(dir) > 0);
            if (!p.isAlive()) {
                throw new IllegalStateException("rsyslogd ended: " + Files.readString(dir.resolve("rsyslog.out")));
            }
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private static int portFile(Path dir) {
        try {
            String text = Files.readString(dir.resolve("port")).strip();
            return text.isEmpty() ? 0 : Integer.parseInt(text);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Writes LF-framed messages into rsyslog's own imtcp input. */
    void send(String... messages) throws IOException {
        if (input == null) {
            input = new Socket(InetAddress.getLoopbackAddress(), portFile(dir));
        }
        OutputStream out = input.getOutputStream();
        StringBuilder all = new StringBuilder();
        for (String m : messages) {
            all.append(m).append('\n');
        }
        out.write(all.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    long pid() {
        return process.pid();
    }

    String log() {
        try {
            return Files.readString(dir.resolve("rsyslog.out"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Kills it like a crash ({@code kill -9}). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (input != null) {
            input.close();
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
