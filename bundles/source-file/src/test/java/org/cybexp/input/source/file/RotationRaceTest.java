package org.cybexp.input.source.file;

import static org.awaitility.Awaitility.await;
import static org.cybexp.input.source.file.Tailing.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rotation between the tailer's look at a path and its opening or reading of that path: the path then holds
 * the next file. Read by path, the next file was taken for the rotated one (its lines posted twice, the rotated
 * one's never); seen under load with Cowrie's rotation, made likely here by rotating a small file every few ms.
 */
class RotationRaceTest {

    @TempDir
    Path dir;

    @Test
    void aStatOfAFileRotatedAwayNoLongerReadsThePathNorFingerprintsTheFileNowThere() throws Exception {
        Path live = dir.resolve("app.log");
        Tailing.append(live, Tailing.numbered("first", 0, 3).toArray(String[]::new));
        FileStat first = FileStat.of(live).orElseThrow();
        assertTrue(first.stillAtPath());
        assertTrue(Fingerprint.of(first, 32).isPresent());

        Files.move(live, dir.resolve("app.log.1"));
        Tailing.append(live, Tailing.numbered("second", 0, 3).toArray(String[]::new));

        assertFalse(first.stillAtPath(), "the path holds another inode now");
        assertEquals(java.util.Optional.empty(), Fingerprint.of(first, 32),
                "the new file's first bytes are not the rotated one's fingerprint");
        FileStat second = FileStat.of(live).orElseThrow();
        assertTrue(Fingerprint.of(second, 32).isPresent());
    }

    @Test
    void filesRotatedEveryFewMillisecondsArriveOnceEach() throws Exception {
        List<String> expected = new ArrayList<>();
        Path live = dir.resolve("app.log");
        Random random = new Random(7);
        try (Tailing t = new Tailing(dir, "app.log*", Map.of("poll_ms", "10", "fingerprint_bytes", "64",
                "lines_per_record", "5")).start()) {
            for (int r = 0; r < 400; r++) {
                List<String> lines = Tailing.numbered("rotation " + r, 0, 6);
                expected.addAll(lines);
                Tailing.append(live, lines.toArray(String[]::new));
                LockSupport.parkNanos(random.nextInt(3_000_000)); // the tailer's look falls anywhere in between
                Files.move(live, dir.resolve("app.log." + r));
            }
            await().atMost(seconds(60)).until(() -> new HashSet<>(t.lines()).size() == expected.size());
            await().during(seconds(1)).atMost(seconds(10)).until(() -> t.lines().size() == expected.size());
            Set<String> missing = new HashSet<>(expected);
            missing.removeAll(t.lines());
            assertEquals(Set.of(), missing);
            assertEquals(Map.of(), t.duplicates());
        }
    }
}
