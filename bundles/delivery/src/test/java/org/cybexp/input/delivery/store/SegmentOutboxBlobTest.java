package org.cybexp.input.delivery.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File bodies in the outbox: moved in as blobs, named by their record, deleted when acknowledged. */
class SegmentOutboxBlobTest {

    @TempDir
    Path dir;

    @TempDir
    Path plugin;

    private final List<String> reports = new ArrayList<>();

    @Test
    void aFileBodyIsMovedInAsABlobAndItsRecordHoldsOnlyAReference() throws IOException {
        byte[] content = random(3 * 1024 * 1024);
        Path file = write("upload.part", content);
        try (SegmentOutbox outbox = open()) {
            outbox.append(List.of(fileRecord(file)));
            assertFalse(Files.exists(file), "the plugin's file was moved, not copied");
            assertEquals(1, blobs().size());
            long segment = Files.size(segments().get(0));
            assertTrue(segment < 4096, "the segment holds a reference, not the body: " + segment + " bytes");
            assertTrue(outbox.bytes() >= content.length, "the caps count the blob: " + outbox.bytes());

            StoredEvent event = outbox.next().orElseThrow();
            assertTrue(event.record().inFile());
            assertEquals(content.length, event.header().length());
            assertEquals(EventRecord.sha256(content), event.header().sha256());
            try (InputStream in = event.record().openBody()) {
                assertArrayEquals(content, in.readAllBytes());
            }
            outbox.remove(event);
            assertEquals(List.of(), blobs(), "the acknowledged event's blob is deleted");
            assertEquals(0, outbox.bytes());
        }
        assertTrue(reports.isEmpty(), reports.toString());
    }

    @Test
    void aBlobWaitsAcrossReopeningBesideInlineEventsOfTheOldFormat() throws IOException {
        byte[] content = random(100_000);
        try (SegmentOutbox outbox = open()) {
            outbox.append(List.of(inline("before")));
            outbox.append(List.of(fileRecord(write("a.part", content)), inline("after")));
        }
        try (SegmentOutbox reopened = open()) {
            assertEquals(3, reopened.depth());
            assertTrue(reopened.bytes() >= content.length, "reopening counts the blob again");
            assertEquals("before", text(take(reopened)));
            StoredEvent blob = reopened.next().orElseThrow();
            try (InputStream in = blob.record().openBody()) {
                assertArrayEquals(content, in.readAllBytes());
            }
            reopened.remove(blob);
            assertEquals("after", text(take(reopened)));
            assertTrue(reopened.isEmpty());
            assertEquals(List.of(), blobs());
        }
        assertTrue(reports.isEmpty(), reports.toString());
    }

    @Test
    void aCrashBetweenBlobAndRecordLeavesNoRecordAndTheBlobIsDeletedAtOpening() throws IOException {
        try (SegmentOutbox outbox = open()) {
            outbox.append(List.of(inline("kept")));
        }
        // what a kill -9 leaves after the blob was moved in but before its record was written, or mid-copy
        Files.createDirectories(dir.resolve("blobs"));
        Files.write(dir.resolve("blobs").resolve("0f0e0d0c-0b0a-0908-0706-050403020100.blob"), random(1000));
        Files.write(dir.resolve("blobs").resolve("0f0e0d0c-0b0a-0908-0706-050403020101.blob.tmp"), random(10));
        try (SegmentOutbox reopened = open()) {
            assertEquals(List.of(), blobs(), "no record names them: deleted");
            assertEquals(1, reopened.depth());
            assertEquals("kept", text(take(reopened)));
        }
        assertTrue(reports.isEmpty(), reports.toString());
    }

    @Test
    void aTornBlobRecordIsCutOffAndItsBlobDeleted() throws IOException {
        try (SegmentOutbox outbox = open()) {
            outbox.append(List.of(inline("kept")));
            outbox.append(List.of(fileRecord(write("b.part", random(5000)))));
        }
        Path segment = segments().get(0);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(file.length() - 7); // the record half written when the power went
        }
        try (SegmentOutbox reopened = open()) {
            assertEquals(1, reopened.depth(), "only the intact record waits");
            assertEquals(List.of(), blobs(), "the torn record's blob is named by nothing now");
            assertEquals("kept", text(take(reopened)));
        }
        assertEquals(1, reports.size(), reports.toString());
    }

    @Test
    void aMissingBlobIsReportedAndNeverHandedOut() throws IOException {
        try (SegmentOutbox outbox = open()) {
            outbox.append(List.of(fileRecord(write("c.part", random(5000))), inline("next")));
        }
        for (Path blob : blobs()) {
            Files.delete(blob); // a person cleaning up by hand
        }
        try (SegmentOutbox reopened = open()) {
            assertEquals("next", text(take(reopened)));
            assertTrue(reopened.isEmpty());
        }
        assertEquals(1, reports.size(), reports.toString());
        assertTrue(reports.get(0).contains("missing"), reports.get(0));
    }

    // ---- helpers

    private SegmentOutbox open() throws IOException {
        return SegmentOutbox.open(dir, 100, reports::add);
    }

    private EventRecord fileRecord(Path file) throws IOException {
        return EventRecord.ofFile("up", "org1", "misp-file", "UTC", "application/json", file);
    }

    private static EventRecord inline(String body) {
        return EventRecord.of("up", "org1", "misp-file", "UTC", "text/plain", body.getBytes(StandardCharsets.UTF_8));
    }

    private static StoredEvent take(Outbox outbox) throws IOException {
        StoredEvent event = outbox.next().orElseThrow();
        outbox.remove(event);
        return event;
    }

    private static String text(StoredEvent event) {
        return new String(event.body(), StandardCharsets.UTF_8);
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(plugin.resolve(name), content);
    }

    private static byte[] random(int size) {
        byte[] out = new byte[size];
        new Random(size).nextBytes(out);
        return out;
    }

    private List<Path> blobs() throws IOException {
        Path blobs = dir.resolve("blobs");
        if (!Files.isDirectory(blobs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(blobs)) {
            return files.sorted().toList();
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }
}
