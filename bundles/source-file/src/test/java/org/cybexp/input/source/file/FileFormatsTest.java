package org.cybexp.input.source.file;

import static org.awaitility.Awaitility.await;
import static org.cybexp.input.source.file.Tailing.append;
import static org.cybexp.input.source.file.Tailing.numbered;
import static org.cybexp.input.source.file.Tailing.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys of the contract: formats, batching, cut lines, encodings, waiting files, status, whole mode. */
class FileFormatsTest {

    @TempDir
    Path dir;

    @Test
    void aRecordIsLinesPerRecordLinesEachEndingInANewline() throws Exception {
        append(dir.resolve("a.log"), numbered("a", 0, 120).toArray(String[]::new));
        try (Tailing t = new Tailing(dir, "*.log", Map.of("lines_per_record", "50")).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 120);
            List<String> texts = t.store.eventTexts();
            assertEquals(3, texts.size(), "50 + 50 + the partial batch after record_seconds");
            assertEquals(50, texts.get(0).split("\n").length);
            assertEquals(numbered("a", 0, 120), t.lines());
            assertEquals("text/plain", t.store.events().get(0).mediaType());
        }
    }

    @Test
    void ndjsonSkipsAndCountsLinesThatAreNotJson() throws Exception {
        append(dir.resolve("eve.json"), "{\"event_type\":\"alert\",\"n\":1}", "not json at all, a long line",
                "", "{\"event_type\":\"dns\",\"n\":2} trailing", "[1,2,3]", "{\"truncated\":");
        try (Tailing t = new Tailing(dir, "*.json", Map.of("format", "ndjson")).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 2 && t.store.malformed() == 3);
            assertEquals(List.of("{\"event_type\":\"alert\",\"n\":1}", "[1,2,3]"), t.lines());
            assertEquals("application/x-ndjson", t.store.events().get(0).mediaType());
        }
    }

    @Test
    void multilineJoinsContinuationLinesAndClosesTheLastEntryAfterTheTimeout() throws Exception {
        append(dir.resolve("app.log"), "2026-12-01 10:00:00 ERROR boom", "\tat a.b.C(C.java:1)", "\tat d.e.F(F.java:2)",
                "2026-12-01 10:00:01 INFO fine", "2026-12-01 10:00:02 WARN last", "  continued");
        try (Tailing t = new Tailing(dir, "*.log", Map.of("format", "multiline", "multiline_start",
                "^\\d{4}-\\d{2}-\\d{2} ", "multiline_timeout", "1", "lines_per_record", "2")).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 6);
            List<String> texts = t.store.eventTexts();
            assertEquals("2026-12-01 10:00:00 ERROR boom\n\tat a.b.C(C.java:1)\n\tat d.e.F(F.java:2)\n"
                    + "2026-12-01 10:00:01 INFO fine\n", texts.get(0), "two entries per record");
            assertEquals("2026-12-01 10:00:02 WARN last\n  continued\n", texts.get(1));
        }
        assertThrows(InvalidConfigException.class, () -> new Tailing(dir, "*.log", Map.of("format", "multiline"))
                .start());
    }

    @Test
    void longLinesAreCutAtMaxLineBytesAndCounted() throws Exception {
        String longLine = "é".repeat(100); // 200 bytes: cut at 101 must not split a character
        append(dir.resolve("a.log"), "short line number one, long enough", longLine, "after");
        try (Tailing t = new Tailing(dir, "*.log", Map.of("max_line_bytes", "101")).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 3);
            assertEquals("é".repeat(50), t.lines().get(1));
            assertEquals("after", t.lines().get(2));
            await().atMost(seconds(5)).until(() -> count(t, "lines_cut") == 1);
        }
    }

    @Test
    void invalidBytesBecomeReplacementCharactersAndAreCounted() throws Exception {
        Path file = dir.resolve("a.log");
        byte[] bad = "a line with a bad byte \u0000 here and more text\n".getBytes(StandardCharsets.UTF_8);
        bad[23] = (byte) 0xFF;
        Files.write(file, bad);
        Files.write(dir.resolve("latin.txt"), "café au lait, noir, long enough for it\n".getBytes(
                StandardCharsets.ISO_8859_1));
        try (Tailing t = new Tailing(dir, "a.log", Map.of()).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 1);
            assertEquals("a line with a bad byte \uFFFD here and more text", t.lines().get(0));
            await().atMost(seconds(5)).until(() -> count(t, "invalid_sequences_replaced") == 1);
        }
        try (Tailing t = new Tailing(dir, "latin.txt", Map.of("encoding", "ISO-8859-1")).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 1);
            assertEquals("café au lait, noir, long enough for it", t.lines().get(0));
        }
        assertThrows(InvalidConfigException.class, () -> new Tailing(dir, "*", Map.of("encoding", "UTF-16")).start());
    }

    @Test
    void aFileTooShortToFingerprintIsShownAsWaitingThenRead() throws Exception {
        Path file = dir.resolve("a.log");
        append(file, "tiny");
        try (Tailing t = new Tailing(dir, "*.log", Map.of()).start()) {
            await().atMost(seconds(10)).until(() -> files(t).stream().anyMatch(f ->
                    String.valueOf(f.get("state")).startsWith("waiting") && f.get("path").equals(file.toString())));
            assertEquals(0, t.lines().size());
            append(file, "now the file is long enough to be fingerprinted");
            await().atMost(seconds(10)).until(() -> t.lines().size() == 2);
            long size = Files.size(file);
            await().atMost(seconds(5)).until(() -> files(t).stream().anyMatch(f -> f.get("path").equals(
                    file.toString()) && ((Number) f.get("offset")).longValue() == size
                    && ((Number) f.get("lag_bytes")).longValue() == 0 && f.get("fingerprint").toString().length() > 8));
        }
    }

    @Test
    void readFromEndStartsAfterTheLastLineOfFilesFoundAtTheFirstStartOnly() throws Exception {
        append(dir.resolve("old.log"), numbered("old", 0, 10).toArray(String[]::new));
        try (Tailing t = new Tailing(dir, "*.log", Map.of("read_from", "end")).start()) {
            await().atMost(seconds(5)).until(() -> t.store.committed(TrackedState.KEY).isPresent());
            append(dir.resolve("old.log"), "appended after the start, long enough");
            append(dir.resolve("new.log"), numbered("new", 0, 3).toArray(String[]::new));
            await().atMost(seconds(10)).until(() -> t.lines().size() == 4);
            assertTrue(t.lines().contains("appended after the start, long enough"));
            assertTrue(t.lines().containsAll(numbered("new", 0, 3)), "a file that appears later: from its start");
        }
    }

    @Test
    void excludedFilesAndDeepGlobs() throws Exception {
        Path deep = Files.createDirectories(dir.resolve("x/y"));
        append(dir.resolve("eve.json"), numbered("top", 0, 2).toArray(String[]::new));
        append(deep.resolve("eve.json"), numbered("deep", 0, 2).toArray(String[]::new));
        append(deep.resolve("eve.json.bak"), numbered("bak", 0, 2).toArray(String[]::new));
        try (Tailing t = new Tailing(dir, "**/eve.json*", Map.of("exclude", "*.bak")).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 4);
            await().during(seconds(1)).atMost(seconds(3)).until(() -> t.lines().size() == 4);
            assertTrue(t.lines().containsAll(numbered("deep", 0, 2)));
        }
    }

    @Test
    void wholeModePostsEachUnchangedFileOnceAsOneRecord() throws Exception {
        Files.writeString(dir.resolve("report-1.txt"), "a report\nof two lines\n");
        Files.writeString(dir.resolve("report-2.csv"), "ip,score\n1.2.3.4,9\n");
        try (Tailing t = new Tailing(dir, "report-*", Map.of("mode", "whole", "min_age", "1")).start()) {
            await().atMost(seconds(10)).until(() -> t.store.eventTexts().size() == 2);
            assertTrue(t.store.eventTexts().contains("a report\nof two lines\n"));
            Files.move(dir.resolve("report-1.txt"), dir.resolve("report-1-moved.txt"));
            t.crashAndRestart();
            await().during(seconds(2)).atMost(seconds(5)).until(() -> t.store.eventTexts().size() == 2);
        }
    }

    @Test
    void manyFilesAreReadWithBoundedOpenHandles() throws Exception {
        for (int i = 0; i < 30; i++) {
            append(dir.resolve("f" + i + ".log"), numbered("f" + i, 0, 10).toArray(String[]::new));
        }
        try (Tailing t = new Tailing(dir, "*.log", Map.of("max_open_files", "4")).start()) {
            await().atMost(seconds(15)).until(() -> t.lines().size() == 300);
            await().atMost(seconds(5)).until(() -> count(t, "open_files") <= 4);
            for (int i = 0; i < 30; i++) {
                append(dir.resolve("f" + i + ".log"), numbered("f" + i, 10, 12).toArray(String[]::new));
            }
            await().atMost(seconds(15)).until(() -> t.lines().size() == 360);
            assertEquals(Map.of(), t.duplicates());
        }
    }

    @Test
    void aVanishedFileIsReleasedAndItsStateKeptWithinCleanAfter() throws Exception {
        Path file = dir.resolve("a.log");
        append(file, numbered("a", 0, 5).toArray(String[]::new));
        try (Tailing t = new Tailing(dir, "*.log", Map.of()).start()) {
            await().atMost(seconds(10)).until(() -> t.lines().size() == 5);
            Files.delete(file);
            await().atMost(seconds(15)).until(() -> files(t).stream().anyMatch(f ->
                    "released".equals(f.get("state"))));
            assertTrue(t.store.committed(TrackedState.KEY).orElse("").contains(file.toString()),
                    "kept within clean_after");
        }
    }

    @Test
    void aVanishedFilesStateIsDroppedAfterCleanAfter() throws Exception {
        TestClock clock = TestClock.at(java.time.Instant.now());
        Path file = dir.resolve("a.log");
        append(file, numbered("a", 0, 5).toArray(String[]::new));
        try (Tailing t = new Tailing(dir, "*.log", Map.of("clean_after", "3600"), clock).start()) {
            await().atMost(seconds(10)).until(() -> {
                clock.advance(seconds(1)); // the partial batch is posted record_seconds after its first line
                return t.lines().size() == 5;
            });
            Files.delete(file);
            await().atMost(seconds(10)).until(() -> {
                clock.advance(seconds(1));
                return t.store.committed(TrackedState.KEY).orElse("").contains(file.toString());
            });
            clock.advance(Duration.ofHours(2));
            await().atMost(seconds(10)).until(() -> {
                clock.advance(seconds(1));
                return !t.store.committed(TrackedState.KEY).orElse("").contains(file.toString());
            });
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> files(Tailing t) {
        Object files = t.running().context().statusDetails().get("files");
        return files == null ? List.of() : (List<Map<String, Object>>) files;
    }

    @SuppressWarnings("unchecked")
    static long count(Tailing t, String key) {
        Object counts = t.running().context().statusDetails().get("counts");
        return counts == null ? -1 : ((Number) ((Map<String, Object>) counts).get(key)).longValue();
    }

    static void appendBytes(Path file, byte[] bytes) throws Exception {
        Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
