package org.cybexp.input.source.file;

import org.cybexp.input.testkit.RealData;
import static org.awaitility.Awaitility.await;
import static org.cybexp.input.source.file.Tailing.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Cowrie honeypot logs (shared/real/cowrie, see SOURCES.md there), tailed as ndjson while they are written
 * and rotated the way Cowrie's own daily rotation does (cowrie.json renamed to cowrie.json.DATE): every event
 * arrives once, byte for byte.
 */
class CowrieLogsTest {

    @TempDir
    Path dir;

    static Path real() {
        return RealData.folder("cowrie");
    }

    @Test
    void realCowrieDaysTailedAndRotatedArriveOnceEach() throws Exception {
        List<String> expected = new ArrayList<>();
        Path live = dir.resolve("cowrie.json");
        try (Tailing t = new Tailing(dir, "cowrie.json*", Map.of("format", "ndjson", "lines_per_record", "500",
                "fingerprint_bytes", "256")).start()) {
            for (String day : List.of("kareiva_cowrie.json.2018-05-06", "kareiva_cowrie.json.2018-05-19",
                    "ranguli_honeylist_cowrie.json")) {
                List<String> lines = Files.readAllLines(real().resolve(day));
                expected.addAll(lines);
                int half = lines.size() / 2;
                Files.write(live, lines.subList(0, half), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Files.write(live, lines.subList(half, lines.size()), StandardOpenOption.APPEND);
                Files.move(live, dir.resolve("cowrie.json." + day.substring(day.length() - 10)));
            }
            await().atMost(seconds(30)).until(() -> t.lines().size() >= expected.size());
            await().during(seconds(1)).atMost(seconds(5)).until(() -> t.lines().size() == expected.size());
            assertEquals(Map.of(), t.duplicates());
            assertTrue(t.lines().containsAll(expected));
            assertEquals(0, t.store.malformed(), "every Cowrie line is JSON");
        }
    }
}
