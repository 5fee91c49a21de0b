package org.cybexp.input.source.file;

import static org.awaitility.Awaitility.await;
import static org.cybexp.input.source.file.Tailing.append;
import static org.cybexp.input.source.file.Tailing.numbered;
import static org.cybexp.input.source.file.Tailing.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bugs of other tailers that lose or repeat lines, replayed: each must see every line exactly once here.
 */
class AnchorBugsTest {

    @TempDir
    Path dir;

    /** elastic/beats#39731: the copy of a copytruncate'd file was read again from its start (duplicates). */
    @Test
    void beats39731CopytruncateCopyIsNotReadAgain() throws Exception {
        Path log = dir.resolve("app.log");
        List<String> before = numbered("a", 0, 100);
        append(log, before.toArray(String[]::new));
        try (Tailing t = new Tailing(dir, "app.log*", Map.of()).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 100);
            Files.copy(log, dir.resolve("app.log.1"));          // copytruncate: copy ...
            Files.write(log, new byte[0], StandardOpenOption.TRUNCATE_EXISTING); // ... then truncate
            List<String> after = numbered("b", 0, 50);
            append(log, after.toArray(String[]::new));
            await().atMost(seconds(10)).until(() -> t.lines().size() >= 150);
            await().during(seconds(2)).atMost(seconds(5)).until(() -> t.lines().size() == 150);
            List<String> all = new ArrayList<>(before);
            all.addAll(after);
            assertEquals(all, t.lines());
        }
    }

    /**
     * elastic/beats#45300: lines written between the tailer's last read and the copytruncate were dropped. Here the
     * copy (matched by paths) continues the old file from where it was read, so its last lines arrive once.
     */
    @Test
    void beats45300LinesBetweenLastReadAndTruncationAreReadFromTheCopy() throws Exception {
        Path log = dir.resolve("app.log");
        append(log, numbered("a", 0, 50).toArray(String[]::new));
        try (Tailing t = new Tailing(dir, "app.log*", Map.of("poll_ms", "500")).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 50);
            // within one poll: more lines, then the copy and the truncation, before the tailer looks again
            append(log, numbered("a", 50, 150).toArray(String[]::new));
            Path copy = dir.resolve("app.log.1");
            Files.copy(log, copy.resolveSibling("app.log.1.tmp"));
            Files.move(copy.resolveSibling("app.log.1.tmp"), copy, StandardCopyOption.ATOMIC_MOVE);
            Files.write(log, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
            append(log, numbered("b", 0, 20).toArray(String[]::new));
            await().atMost(seconds(10)).until(() -> t.lines().size() >= 170);
            await().during(seconds(2)).atMost(seconds(5)).until(() -> t.lines().size() == 170);
            assertTrue(t.lines().containsAll(numbered("a", 0, 150)), "every line of the old file");
            assertTrue(t.lines().containsAll(numbered("b", 0, 20)), "every line of the new one");
            assertEquals(Map.of(), t.duplicates());
        }
    }

    /**
     * elastic/beats#50738: with a slow output, a file closed and reopened lost the lines read but not yet
     * acknowledged. Here an offset moves only with a checkpoint that stored the lines: an input killed in between
     * reads them again after its restart, and none is lost.
     */
    @Test
    void beats50738KilledBeforeTheLinesWereStoredReadsThemAgain() throws Exception {
        Path log = dir.resolve("app.log");
        try (Tailing t = new Tailing(dir, "app.log", Map.of("record_seconds", "60", "lines_per_record", "1000"))
                .start()) {
            append(log, numbered("a", 0, 300).toArray(String[]::new));
            await().atMost(seconds(10)).until(() -> t.store.committed(TrackedState.KEY).isPresent());
            assertEquals(0, t.lines().size(), "a batch of 1000 waits");
            t.crashAndRestart(); // the read-but-unposted lines are gone with the instance
            append(log, numbered("a", 300, 1000).toArray(String[]::new));
            await().atMost(seconds(10)).until(() -> t.lines().size() == 1000);
            assertEquals(numbered("a", 0, 1000), t.lines());
        }
    }

    /**
     * fluent-bit#1875, #4895 and logstash-input-file#251: a new file at a deleted file's inode was read from the
     * old file's offset. Here its other first bytes make it a new file, read from 0.
     */
    @Test
    void fluentBit1875And4895AndLogstash251NewFileAtAnOldInodeStartsAtZero() throws Exception {
        Path log = dir.resolve("app.log");
        append(log, numbered("old", 0, 200).toArray(String[]::new));
        try (Tailing t = new Tailing(dir, "app.log", Map.of()).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 200);
            long inode = (Long) Files.getAttribute(log, "unix:ino");
            // rewritten in place: the same inode, shorter content than the old offset... and then longer
            try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (String line : numbered("new", 0, 300)) {
                    out.write((line + "\n").getBytes());
                }
            }
            assertEquals(inode, (Long) Files.getAttribute(log, "unix:ino"), "the same inode");
            await().atMost(seconds(10)).until(() -> t.lines().size() >= 500);
            List<String> expected = new ArrayList<>(numbered("old", 0, 200));
            expected.addAll(numbered("new", 0, 300));
            assertEquals(expected, t.lines());
        }
    }

    /** The same at an inode reused after a delete, the new file growing past the old offset before it is seen. */
    @Test
    void logstash251DeletedAndRecreatedWhileStoppedStartsAtZero() throws Exception {
        Path log = dir.resolve("app.log");
        append(log, numbered("old", 0, 100).toArray(String[]::new));
        try (Tailing t = new Tailing(dir, "app.log", Map.of()).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 100);
            t.running().stopGracefully();
            t.running().join(seconds(10));
            Files.delete(log);
            append(log, numbered("new", 0, 400).toArray(String[]::new));
            t.start();
            await().atMost(seconds(10)).until(() -> t.lines().size() >= 500);
            assertTrue(t.lines().containsAll(numbered("new", 0, 400)));
            assertEquals(Map.of(), t.duplicates());
        }
    }

    /** vector#5833: files with identical first lines were merged, one of them never read. */
    @Test
    void vector5833FilesWithIdenticalFirstLinesAreNotMerged() throws Exception {
        String header = "# the same long header line in both files, longer than the fingerprint";
        append(dir.resolve("one.log"), header);
        append(dir.resolve("two.log"), header);
        append(dir.resolve("one.log"), numbered("one", 0, 30).toArray(String[]::new));
        append(dir.resolve("two.log"), numbered("two", 0, 30).toArray(String[]::new));
        try (Tailing t = new Tailing(dir, "*.log", Map.of()).start()) {
            await().atMost(seconds(15)).until(() -> t.lines().size() == 62);
            assertTrue(t.lines().containsAll(numbered("one", 0, 30)));
            assertTrue(t.lines().containsAll(numbered("two", 0, 30)));
        }
    }

    /** Rotated .gz files matching paths are read once: the compressed copy of a read file adds nothing. */
    @Test
    void rotatedGzipOfAReadFileIsNotReadAgain() throws Exception {
        Path log = dir.resolve("app.log");
        append(log, numbered("a", 0, 100).toArray(String[]::new));
        try (Tailing t = new Tailing(dir, "app.log*", Map.of()).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 100);
            Path rotated = dir.resolve("app.log.1");
            Files.move(log, rotated);
            append(log, numbered("b", 0, 10).toArray(String[]::new));
            append(rotated, numbered("a", 100, 110).toArray(String[]::new)); // written before the writer reopened
            await().atMost(seconds(10)).until(() -> t.lines().size() == 120);
            gzip(rotated, dir.resolve("app.log.1.gz"));
            Files.delete(rotated);
            Files.setLastModifiedTime(dir.resolve("app.log.1.gz"),
                    java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 10_000));
            // an unknown .gz, never seen uncompressed, is read once
            Path other = dir.resolve("app.log.9.gz");
            Path plain = dir.resolve("other.txt");
            append(plain, numbered("c", 0, 5).toArray(String[]::new));
            gzip(plain, other);
            Files.setLastModifiedTime(other,
                    java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 10_000));
            await().atMost(seconds(10)).until(() -> t.lines().size() >= 125);
            await().during(seconds(2)).atMost(seconds(5)).until(() -> t.lines().size() == 125);
            assertEquals(Map.of(), t.duplicates());
            t.crashAndRestart();
            await().during(seconds(2)).atMost(seconds(5)).until(() -> t.lines().size() == 125);
        }
    }

    /** A remounted folder (new device, new inodes, same files) is not read again from the start. */
    @Test
    void remountedFolderIsNotReadAgain() throws Exception {
        Path mountA = Files.createDirectories(dir.resolve("a"));
        append(mountA.resolve("app.log"), numbered("a", 0, 100).toArray(String[]::new));
        Path mount = dir.resolve("mnt");
        Files.createSymbolicLink(mount, mountA);
        try (Tailing t = new Tailing(mount, "app.log", Map.of()).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 100);
            t.running().stopGracefully();
            t.running().join(seconds(10));
            // "remount": the same content at the same path, now other inodes (a copy on the other side)
            Path mountB = Files.createDirectories(dir.resolve("b"));
            Files.copy(mountA.resolve("app.log"), mountB.resolve("app.log"));
            assertNotEquals(Files.getAttribute(mountA.resolve("app.log"), "unix:ino"),
                    Files.getAttribute(mountB.resolve("app.log"), "unix:ino"));
            Files.delete(mount);
            Files.createSymbolicLink(mount, mountB);
            append(mountB.resolve("app.log"), numbered("a", 100, 120).toArray(String[]::new));
            t.start();
            await().atMost(seconds(10)).until(() -> t.lines().size() >= 120);
            await().during(seconds(1)).atMost(seconds(5)).until(() -> t.lines().size() == 120);
            assertEquals(numbered("a", 0, 120), t.lines());
        }
    }

    static void gzip(Path from, Path to) throws Exception {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
            Files.copy(from, out);
        }
    }
}
