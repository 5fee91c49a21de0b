package org.cybexp.input.source.mispfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.source.misp.MispFixtures;
import org.cybexp.input.testkit.InMemoryFetchContext;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names with control characters, folders that lead into the system, and the 28 real MISP files. */
class DropFolderSafetyTest {

    @TempDir
    Path base;

    private InMemoryInputStore store(Path dir) throws Exception {
        return InMemoryInputStore.builder(new MispFilePlugin()).name("files")
                .properties(Map.of("directory", dir.toString(), "min_age", "0")).build();
    }

    @Test
    void controlCharactersInAFileNameAreEscapedInTheReasonTheLogAndTheError() throws Exception {
        Path dir = Files.createDirectories(base.resolve("drop"));
        String name = "evil\nINFO forged line\u001b[2J\u202e.json";
        Files.writeString(dir.resolve(name), "{\"response\": [1, {\"Event\": {\"uuid\": \"x\"}}]}");
        InMemoryInputStore store = store(dir);
        SourceInput input = store.open();
        InMemoryFetchContext look = store.newContext();

        SourceException failure = assertThrows(SourceException.class, () -> store.fetch(input, look));

        String shown = "evil\\x0aINFO forged line\\x1b[2J\\u202e.json";
        assertTrue(failure.getMessage().contains(shown), failure.getMessage());
        assertFalse(failure.getMessage().contains("\n") || failure.getMessage().contains("\u001b"));
        String reason = Files.readString(dir.resolve("failed/" + name + ".reason"), StandardCharsets.UTF_8);
        assertTrue(reason.startsWith("misp_file could not read " + shown + " ("), reason);
        assertFalse(reason.contains("\u001b") || reason.contains("\u202e"), reason);
        assertTrue(reason.lines().noneMatch(l -> l.startsWith("INFO forged")), reason);
        for (String logged : look.malformedReasons()) {
            assertTrue(logged.startsWith(shown + " element "), logged);
        }
    }

    @Test
    void aDirectoryThatIsALinkIntoTheSystemIsRefusedWhenLookedAt() throws Exception {
        Path link = Files.createSymbolicLink(base.resolve("drop"), Path.of("/etc"));
        InMemoryInputStore store = store(link);
        SourceException refused = assertThrows(SourceException.class, () -> store.fetch(store.open()));
        assertEquals("directory " + link + " leads to /etc, which is inside the system folder /etc: files there "
                + "must never be moved; use a folder of its own, e.g. /srv/misp-exports", refused.getMessage());
        assertFalse(Files.exists(Path.of("/etc/processed")));
    }

    @Test
    void theRealMispFilesAreProcessedOrSetAsideWithTheirReason() throws Exception {
        Path dir = Files.createDirectories(base.resolve("drop"));
        List<String> names = MispFixtures.REAL_FILES;
        assertEquals(28, names.size());
        for (String name : names) {
            MispFixtures.copy("real/" + name, dir.resolve(name));
        }
        InMemoryInputStore store = store(dir);

        SourceException failure = assertThrows(SourceException.class, () -> store.fetch(store.open()));

        Map<String, String> failed = new TreeMap<>();
        try (Stream<Path> reasons = Files.list(dir.resolve("failed"))) {
            for (Path reason : reasons.filter(p -> p.toString().endsWith(".reason")).toList()) {
                String file = reason.getFileName().toString().replace(".reason", "");
                failed.put(file, Files.readString(reason).lines().skip(1).reduce((a, b) -> a + " " + b).orElse(""));
            }
        }
        String noUuid = "an event has no valid uuid: nothing posted";
        assertEquals(new TreeMap<>(Map.of(
                "intelmq_misp_attribute.json", "not a MISP event: a lone Attribute (no 'response' list, no 'Event', "
                        + "and no 'info' that every event has)",
                "misp24_tools_curl_input_event.json", noUuid,
                "pymisp_mispevent_event_obj_attr_tag.json", "not a MISP event: Objects or Attributes without their "
                        + "event (no 'response' list, no 'Event', and no 'info' that every event has)",
                "pymisp_mispevent_galaxy.json", "not a MISP event: a lone Galaxy (no 'response' list, no 'Event', and "
                        + "no 'info' that every event has)",
                "pymisp_mispevent_malware_exist.json", "an element of the event list has no 'Event' object: nothing "
                        + "posted",
                "pymisp_mispevent_misp_custom_obj.json", noUuid,
                "pymisp_mispevent_proposals.json", noUuid,
                "pymisp_mispevent_sighting.json", "not a MISP event: a lone Sighting (no 'response' list, no 'Event', "
                        + "and no 'info' that every event has)",
                "pymisp_search_index_result.json", "an element of the event list has no 'Event' object: nothing posted",
                "vmray-misp-feed_generated_event.json", noUuid)), failed);
        List<String> processed;
        try (Stream<Path> files = Files.list(dir.resolve("processed"))) {
            processed = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(18, processed.size(), processed.toString());
        assertTrue(processed.containsAll(List.of("intelmq_misp_event.json", "pymisp_misp_event.json",
                "pymisp_mispevent_existing_event.json", "pymisp_mispevent_shadow.json")), "bare events");
        assertEquals(16, store.events().size(),
                "two pairs share uuid and timestamp (intelmq/PyMISP, japanese_test/_heavy)");
        assertTrue(failure.getMessage().startsWith("moved to failed/ (see its .reason files): "
                + "intelmq_misp_attribute.json (not a MISP event: a lone Attribute"), failure.getMessage());
    }
}
