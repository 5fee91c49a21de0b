package org.cybexp.input.delivery.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOutboxTest {

    @TempDir
    Path dir;

    private final List<String> reports = new ArrayList<>();

    @Test
    void oneFilePerEventNamedBySequenceWithAJsonHeaderLineThenTheBody() throws IOException {
        FileOutbox outbox = FileOutbox.open(dir, 7, reports::add);
        outbox.append(List.of(record("a"), record("b")));

        assertEquals(List.of("00000000000000000007", "00000000000000000008"), names(dir));
        String content = Files.readString(dir.resolve("00000000000000000007"));
        JsonNode header = new ObjectMapper().readTree(content.substring(0, content.indexOf('\n')));
        assertEquals("main", header.get("name").asText());
        assertEquals("org1", header.get("orgid").asText());
        assertEquals("openphish-file-feed", header.get("typetag").asText());
        assertEquals("UTC", header.get("timezone").asText());
        assertEquals("text/plain", header.get("mediaType").asText());
        assertEquals(EventRecord.sha256("a".getBytes()), header.get("sha256").asText());
        assertEquals(1, header.get("length").asLong());
        assertEquals("a", content.substring(content.indexOf('\n') + 1));
    }

    @Test
    void deliversInOrderAndForgetsRemovedEvents() throws IOException {
        FileOutbox outbox = FileOutbox.open(dir, 1, reports::add);
        outbox.append(List.of(record("a"), record("b")));

        StoredEvent first = outbox.next().orElseThrow();
        assertArrayEquals("a".getBytes(), first.body());
        outbox.remove(first);
        assertEquals(1, outbox.depth());
        assertArrayEquals("b".getBytes(), outbox.next().orElseThrow().body());
    }

    @Test
    void reopeningFindsWaitingEventsAndContinuesTheSequence() throws IOException {
        FileOutbox.open(dir, 1, reports::add).append(List.of(record("a"), record("b")));
        Files.writeString(dir.resolve(".00000000000000000003.tmp"), "half written");

        FileOutbox reopened = FileOutbox.open(dir, 1, reports::add);
        reopened.append(List.of(record("c")));

        assertEquals(3, reopened.depth());
        assertEquals(List.of("00000000000000000001", "00000000000000000002", "00000000000000000003"), names(dir));
        assertEquals(List.of(), reports);
    }

    @Test
    void damagedFilesAreMovedToCorruptAndReported() throws IOException {
        FileOutbox.open(dir, 1, reports::add).append(List.of(record("a"), record("bb"), record("c")));
        Path second = dir.resolve("00000000000000000002");
        Files.writeString(second, Files.readString(second).replace("bb", "b")); // truncated body
        Files.writeString(dir.resolve("00000000000000000003"), "no header at all");

        FileOutbox reopened = FileOutbox.open(dir, 1, reports::add);

        assertEquals(1, reopened.depth());
        assertArrayEquals("a".getBytes(), reopened.next().orElseThrow().body());
        assertEquals(List.of("00000000000000000002", "00000000000000000003"), names(dir.resolve("corrupt")));
        assertEquals(2, reports.size());
        assertTrue(reports.get(0).contains("00000000000000000002 (length 1 instead of 2)"), reports.get(0));
        assertTrue(reports.get(1).contains("no header line"), reports.get(1));
    }

    @Test
    void aFailedBatchLeavesNoTemporaryFiles() throws IOException {
        FileOutbox outbox = FileOutbox.open(dir, 1, reports::add);
        Files.createDirectory(dir.resolve("00000000000000000002")); // the second rename cannot replace a folder
        Files.writeString(dir.resolve("00000000000000000002").resolve("x"), "x");

        // the caller keeps its cursor: the batch counts as not stored
        assertThrows(IOException.class, () -> outbox.append(List.of(record("a"), record("b"))));
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    private static EventRecord record(String body) {
        return EventRecord.of("main", "org1", "openphish-file-feed", "UTC", "text/plain",
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }
}
