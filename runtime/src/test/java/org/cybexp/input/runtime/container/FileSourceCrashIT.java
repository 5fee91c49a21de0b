package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.cybexp.input.testkit.LoopbackRawApi.Post;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The file plugin in the real distribution, tailing a log that a writer appends to at a steady rate while the
 * real {@code logrotate} (its own state file and configuration, in a temporary folder) rotates it: twice with
 * {@code create} (rename, new file; the rotated files compressed with {@code delaycompress}), then twice with
 * {@code copytruncate}, with a {@code kill -9} of the daemon after each pair. Every line arrives exactly once.
 *
 * <p>Exactly once is counted over distinct records: a kill after the API took a post and before the outbox
 * wrote down its answer posts that same record again (delivery is at-least-once, see DeliveryCrashIT), which is
 * not the source reading a line twice. copytruncate itself loses the lines written between its copy and its
 * truncation (they are in neither file); those lines are found from the files and may be missing, all others
 * must be there.
 */
class FileSourceCrashIT {

    private static final String TOKEN = "file-crash-it-token-91ab";
    private static final long LINES_PER_SECOND = 200;

    private Distribution dist;
    private RawReceiver raw;
    private Path logs;
    private Path log;
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicInteger written = new AtomicInteger();
    private final List<int[]> lostWindows = new ArrayList<>();
    private Thread writer;

    @BeforeEach
    void distributionTailingALog() throws Exception {
        raw = new RawReceiver(TOKEN);
        dist = Distribution.copyOfBuilt("cybexp-file-crash-it");
        logs = Files.createTempDirectory("cybexp-file-it-logs");
        log = logs.resolve("app.log");
        dist.configure("cybexp.api.cfg", "url = " + raw.url() + "\ntoken = " + TOKEN + "\ntimeout = 10\n");
        dist.configure("cybexp.source.file-app.cfg", "name = app\norgid = file-org\ntypetag = test-lines\n"
                + "paths = " + logs + "/app.log*\npoll_ms = 50\nrecord_seconds = 1\nlines_per_record = 100\n"
                + "identity_wait = 5\nmin_interval = 0\n");
    }

    @AfterEach
    void stopEverything() throws Exception {
        writing.set(false);
        if (writer != null) {
            writer.join(5000);
        }
        try {
            dist.close();
        } finally {
            raw.close();
            Distribution.deleteTree(logs);
        }
    }

    @Test
    void everyLineArrivesOnceThroughRotationsAndKills() throws Exception {
        writer = new Thread(this::write, "steady-writer");
        writer.start();
        Result start = dist.cli("start");
        assertEquals(0, start.code(), start.toString());
        awaitWritten(400);

        rotate("create\ncompress\ndelaycompress\n");
        awaitWritten(written.get() + 300);
        rotate("create\ncompress\ndelaycompress\n");
        awaitWritten(written.get() + 300);
        killAndRestart();

        awaitWritten(written.get() + 300);
        rotate("copytruncate\n");
        awaitWritten(written.get() + 300);
        rotate("copytruncate\n");
        awaitWritten(written.get() + 300);
        killAndRestart();
        awaitWritten(written.get() + 300);

        writing.set(false);
        writer.join(5000);
        int total = written.get();
        Await.within(120).alias("every line at /raw").until(() -> missing(total).isEmpty());

        Map<String, Integer> counts = lineCounts();
        List<String> twice = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .toList();
        assertEquals(List.of(), twice, "lines posted in two different records");
        System.out.println("FileSourceCrashIT: " + total + " lines written, " + counts.size() + " received, "
                + lostByCopytruncate(total) + " lost by copytruncate itself (windows " + windows() + "), "
                + raw.posts().size() + " posts");
        assertTrue(counts.size() >= total - lostByCopytruncate(total), "received " + counts.size());
        Result status = dist.cli("status", "--json");
        assertTrue(status.out().contains("\"files\""), status.toString());
        assertTrue(status.out().contains("app.log"), status.toString());
    }

    /** Appends numbered lines at a steady rate, and reopens its file when it was rotated (as an app on HUP). */
    private void write() {
        try {
            FileOutputStream out = new FileOutputStream(log.toFile(), true);
            Object inode = Files.getAttribute(log, "unix:ino");
            long next = System.nanoTime();
            while (writing.get()) {
                int n = written.get();
                String line = String.format("line %07d %s%n", n, "x".repeat(60));
                out.write(line.getBytes(StandardCharsets.US_ASCII));
                written.incrementAndGet();
                next += TimeUnit.SECONDS.toNanos(1) / LINES_PER_SECOND;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the writer's pace, not waiting for a condition
                }
                if (n % 20 == 0 && Files.exists(log) && !Files.getAttribute(log, "unix:ino").equals(inode)) {
                    out.close();
                    out = new FileOutputStream(log.toFile(), true);
                    inode = Files.getAttribute(log, "unix:ino");
                }
            }
            out.close();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitWritten(int lines) {
        Await.within(60).alias(lines + " lines written").until(() -> written.get() >= lines);
    }

    /** The real logrotate, forced, with its own state file and configuration. */
    private void rotate(String directives) throws Exception {
        Path conf = logs.getParent().resolve(logs.getFileName() + ".logrotate.conf");
        Files.writeString(conf, log + " {\n  rotate 5\n  missingok\n  nomail\n" + directives.replaceAll("(?m)^",
                "  ") + "}\n");
        Process p = new ProcessBuilder("logrotate", "-f", "-s", logs.getParent().resolve(logs.getFileName()
                + ".logrotate.state").toString(), conf.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "logrotate: " + out);
        if (directives.contains("copytruncate")) {
            int lastCopied = lastLine(logs.resolve("app.log.1"));
            Await.within(10).until(() -> firstLine(log) >= 0);
            lostWindows.add(new int[] {lastCopied, firstLine(log)});
        }
    }

    private void killAndRestart() throws Exception {
        long pid = dist.daemonPid().orElseThrow();
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -9 " + pid);
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        Result restart = dist.cli("start");
        assertEquals(0, restart.code(), restart.toString());
    }

    private static int lastLine(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        return lines.isEmpty() ? -1 : number(lines.get(lines.size() - 1));
    }

    private static int firstLine(Path file) throws IOException {
        try (var lines = Files.lines(file, StandardCharsets.US_ASCII)) {
            return lines.findFirst().map(FileSourceCrashIT::number).orElse(-1);
        }
    }

    private static int number(String line) {
        return Integer.parseInt(line.substring(5, 12));
    }

    private boolean inLostWindow(int n) {
        return lostWindows.stream().anyMatch(w -> n > w[0] && n < w[1]);
    }

    private int lostByCopytruncate(int total) {
        Map<String, Integer> counts = lineCounts();
        int lost = 0;
        for (int n = 0; n < total; n++) {
            if (inLostWindow(n) && !counts.containsKey(String.format("%07d", n))) {
                lost++;
            }
        }
        return lost;
    }

    private String windows() {
        return lostWindows.stream().map(w -> "(" + w[0] + ", " + w[1] + ")").toList().toString();
    }

    private Set<Integer> missing(int total) {
        Map<String, Integer> counts = lineCounts();
        Set<Integer> out = new LinkedHashSet<>();
        for (int n = 0; n < total; n++) {
            if (!inLostWindow(n) && !counts.containsKey(String.format("%07d", n))) {
                out.add(n);
            }
        }
        return out;
    }

    /** Line number to the number of distinct records it is in. */
    private Map<String, Integer> lineCounts() {
        Set<String> bodies = new LinkedHashSet<>();
        for (Post post : raw.posts()) {
            bodies.add(post.fileText());
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String body : bodies) {
            for (String line : body.split("\n")) {
                if (line.startsWith("line ")) {
                    counts.merge(line.substring(5, 12), 1, Integer::sum);
                }
            }
        }
        return counts;
    }
}
