package org.cybexp.input.delivery.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segment log: order, acknowledgement across reopening, commit records, damage, segment recycling. */
class SegmentOutboxTest {

    @TempDir
    Path dir;

    private final List<String> reports = new ArrayList<>();

    @Test
    void deliversInOrderAndKeepsWhatIsNotAcknowledgedAcrossReopening() throws IOException {
        try (SegmentOutbox outbox = open()) {
            outbox.append(records("a", "b", "c"));
            assertEquals(3, outbox.depth());
            StoredEvent a = outbox.next().orElseThrow();
            assertEquals("a", new String(a.body(), StandardCharsets.UTF_8), "the oldest first");
            assertEquals("b", body(outbox.next()), "the next one while a is in flight");
            outbox.remove(a);
        }
        try (SegmentOutbox reopened = open()) {
            assertEquals(2, reopened.depth(), "b was handed out, not acknowledged: it waits again");
            assertEquals("b", deliver(reopened));
            assertEquals("c", deliver(reopened));
            assertTrue(reopened.isEmpty());
            assertEquals(Optional.empty(), reopened.next());
            assertEquals(0, reopened.bytes());
        }
        assertTrue(reports.isEmpty(), reports.toString());
    }

    @Test
    void sequenceNumbersGrowAcrossReopeningAndKeepTheMetadata() throws IOException {
        long first;
        try (SegmentOutbox outbox = open()) {
            outbox.append(records("a"));
            StoredEvent a = outbox.next().orElseThrow();
            first = a.seq();
            assertEquals(100, first);
            assertEquals("main", a.header().name());
            assertEquals("org1", a.header().orgid());
            assertEquals("openphish-file-feed", a.header().typetag());
            assertEquals("text/plain", a.header().mediaType());
            outbox.remove(a);
        }
        try (SegmentOutbox reopened = open()) {
            reopened.append(records("b"));
            assertEquals(first + 1, reopened.next().orElseThrow().seq());
        }
    }

    @Test
    void theCommitRecordIsStoredWithItsBatchAndSurvivesReopeningButIsNeverDelivered() throws IOException {
        try (SegmentOutbox outbox = open()) {
            assertEquals(Optional.empty(), outbox.lastCommit());
            outbox.append(records("a"), "commit-1".getBytes(StandardCharsets.UTF_8));
            outbox.append(List.of(), "commit-2".getBytes(StandardCharsets.UTF_8));
            assertEquals(1, outbox.depth());
            outbox.remove(outbox.next().orElseThrow());
            assertEquals(Optional.empty(), outbox.next());
        }
        try (SegmentOutbox reopened = open()) {
            assertEquals("commit-2", new String(reopened.lastCommit().orElseThrow(), StandardCharsets.UTF_8));
            assertTrue(reopened.isEmpty());
        }
    }

    @Test
    void aTornTailIsCutReportedAndKeptAsideWhileTheIntactRecordsAreDelivered() throws IOException {
        try (SegmentOutbox outbox = open()) {
            outbox.append(records("a", "b"));
            outbox.append(records("c"));
        }
        Path segment = onlySegment();
        long size = Files.size(segment);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(size - 3); // a write torn in the middle of the last record
        }
        try (SegmentOutbox reopened = open()) {
            assertEquals(2, reopened.depth());
            assertEquals(1, reports.size(), reports.toString());
            assertTrue(reports.get(0).contains("torn or damaged tail"), reports.get(0));
            assertEquals(1, corruptFiles().size());
            assertEquals("a", deliver(reopened));
            assertEquals("b", deliver(reopened));
            assertEquals(Optional.empty(), reopened.next());

            reopened.append(records("d")); // appends go on after the intact records
            assertEquals("d", body(reopened.next()));
        }
    }

    @Test
    void aDamagedRecordInTheMiddleIsSkippedAndTheRecordsAfterItAreDelivered() throws IOException {
        try (SegmentOutbox outbox = open()) {
            outbox.append(records("first", "second", "third"));
        }
        Path segment = onlySegment();
        byte[] bytes = Files.readAllBytes(segment);
        int second = indexOf(bytes, "second".getBytes(StandardCharsets.UTF_8));
        bytes[second] ^= 0x20; // one flipped bit in the body of the second record
        Files.write(segment, bytes);

        try (SegmentOutbox reopened = open()) {
            assertEquals(2, reopened.depth());
            assertTrue(reports.get(0).contains("damaged records"), reports.toString());
            assertEquals("first", deliver(reopened));
            assertEquals("third", body(reopened.next()));
            assertEquals(1, reports.size(), "reported once: " + reports);
            assertEquals(1, corruptFiles().size());
        }
    }

    @Test
    void fullSegmentsRollAndDeliveredOnesAreDeleted() throws IOException {
        try (SegmentOutbox outbox = SegmentOutbox.open(dir, 1, 400, reports::add)) {
            for (int i = 0; i < 10; i++) {
                outbox.append(records("event-" + i));
            }
            assertTrue(segments().size() > 2, segments().toString());
            for (int i = 0; i < 10; i++) {
                StoredEvent event = outbox.next().orElseThrow();
                assertEquals("event-" + i, new String(event.body(), StandardCharsets.UTF_8));
                outbox.remove(event);
            }
            assertEquals(Optional.empty(), outbox.next());
            assertEquals(1, segments().size(), "only the newest segment is left");
        }
        try (SegmentOutbox reopened = SegmentOutbox.open(dir, 1, 400, reports::add)) {
            assertTrue(reopened.isEmpty());
            reopened.append(records("more"));
            assertEquals("more", body(reopened.next()));
        }
    }

    @Test
    void theAckFileHasItsSlotsAndTableFromTheStartSoAnAcknowledgementNeedsNoNewSpace() throws IOException {
        long size = 32 + 16L * AckFile.DEFAULT_ENTRIES;
        try (SegmentOutbox outbox = open()) {
            assertEquals(size, Files.size(dir.resolve("ack")), "written before any acknowledgement");
            outbox.append(records("a", "b", "c"));
        }
        try (SegmentOutbox reopened = open()) {
            assertEquals(3, reopened.depth(), "the slots and entries written in advance acknowledge nothing");
            reopened.next().orElseThrow();
            reopened.remove(reopened.next().orElseThrow()); // out of order: an entry of the table
            reopened.remove(reopened.next().orElseThrow());
            assertEquals(size, Files.size(dir.resolve("ack")));
        }
        try (SegmentOutbox again = open()) {
            assertEquals("a", body(again.next()));
            assertEquals(Optional.empty(), again.next());
        }
    }

    @Test
    void aDeliveredSegmentCountsAsReclaimableUntilTheNextAppendGivesItBack() throws IOException {
        String big = "x".repeat(600 * 1024);
        try (SegmentOutbox outbox = open()) {
            outbox.append(records(big, big));
            assertEquals(0, outbox.reclaimableBytes(), "undelivered events are not reclaimable");
            outbox.remove(outbox.next().orElseThrow());
            assertEquals(0, outbox.reclaimableBytes());
            outbox.remove(outbox.next().orElseThrow());
            Path delivered = onlySegment();
            assertEquals(Files.size(delivered), outbox.reclaimableBytes());

            outbox.append(records("small"));
            assertFalse(Files.exists(delivered), "the delivered segment went with the next append");
            assertEquals(0, outbox.reclaimableBytes());
            assertEquals("small", body(outbox.next()));
        }
    }

    @Test
    void removingAnEventNotHandedOutIsRefused() throws IOException {
        try (SegmentOutbox outbox = open()) {
            outbox.append(records("a", "b"));
            StoredEvent a = outbox.next().orElseThrow();
            StoredEvent notYet = new StoredEvent(a.seq() + 1, a.record());
            assertThrows(IllegalStateException.class, () -> outbox.remove(notYet));
            outbox.remove(a);
            assertThrows(IllegalStateException.class, () -> outbox.remove(a), "removed already");
            assertEquals(1, outbox.depth());
        }
    }

    @Test
    void acknowledgementsOutOfOrderAreDurableSoOnlyTheUnacknowledgedComeBackAfterACrash() throws IOException {
        List<StoredEvent> out = new ArrayList<>();
        try (SegmentOutbox outbox = open()) {
            outbox.append(records("e0", "e1", "e2", "e3", "e4", "e5"));
            for (int i = 0; i < 5; i++) {
                out.add(outbox.next().orElseThrow()); // five posts in flight
            }
            assertEquals(1, outbox.waiting());
            outbox.remove(out.get(3));
            outbox.remove(out.get(1));
            outbox.remove(out.get(4));
            assertEquals(3, outbox.depth(), "e0, e2 in flight, e5 waiting");
        } // closed without acknowledging e0 and e2: as after a crash, their answers never came
        try (SegmentOutbox reopened = open()) {
            assertEquals(3, reopened.depth());
            assertEquals(List.of("e0", "e2", "e5"), drain(reopened));
            assertTrue(reopened.isEmpty());
        }
        try (SegmentOutbox again = open()) {
            assertTrue(again.isEmpty(), "all acknowledged, in whatever order");
            again.append(records("e6"));
            assertEquals("e6", deliver(again));
        }
        assertTrue(reports.isEmpty(), reports.toString());
    }

    @Test
    void theWatermarkPassesOutOfOrderAcknowledgementsAndFreesTheirEntries() throws IOException {
        try (SegmentOutbox outbox = SegmentOutbox.open(dir, 100, 400, 4, new GroupCommit(), reports::add)) {
            outbox.append(records("slow", "b", "c", "d", "e", "f", "g"));
            StoredEvent slow = outbox.next().orElseThrow();
            for (int i = 0; i < 2; i++) {
                deliver(outbox);
            }
            StoredEvent d = outbox.next().orElseThrow();
            assertEquals(Optional.empty(), outbox.next(),
                    "4 entries: 2 taken, 2 kept for the posts in flight; nothing more goes out before the slow one");
            outbox.remove(d);
            assertEquals(Optional.empty(), outbox.next());
            outbox.remove(slow); // the watermark passes b, c, d: their entries are free again
            assertEquals(List.of("e", "f", "g"), drain(outbox));
            assertTrue(outbox.isEmpty());
        }
        try (SegmentOutbox reopened = SegmentOutbox.open(dir, 100, 400, 4, new GroupCommit(), reports::add)) {
            assertTrue(reopened.isEmpty());
        }
    }

    @Test
    void appendsFromManyThreadsAtOnceShareFsyncsAndAllBecomeDurable() throws Exception {
        GroupCommit commits = new GroupCommit();
        int threads = 8;
        int each = 50;
        try (SegmentOutbox outbox = SegmentOutbox.open(dir, 100, commits, reports::add)) {
            List<Thread> appenders = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                appenders.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < each; i++) {
                            outbox.append(records("t" + thread + "-" + i), new byte[] {(byte) thread});
                        }
                    } catch (IOException | RuntimeException e) {
                        failures.add(e);
                    }
                }));
            }
            appenders.forEach(Thread::start);
            for (Thread appender : appenders) {
                appender.join();
            }
            assertTrue(failures.isEmpty(), failures.toString());
            assertEquals(threads * each, outbox.depth());
            assertTrue(commits.fsyncs() <= threads * each, commits.fsyncs() + " fsyncs");
        }
        try (SegmentOutbox reopened = SegmentOutbox.open(dir, 100, commits, reports::add)) {
            List<String> bodies = drain(reopened);
            assertEquals(threads * each, bodies.size());
            assertEquals(threads * each, new java.util.HashSet<>(bodies).size());
            for (int t = 0; t < threads; t++) {
                String prefix = "t" + t + "-";
                List<String> mine = bodies.stream().filter(b -> b.startsWith(prefix)).toList();
                assertEquals(each, mine.size());
                for (int i = 0; i < each; i++) {
                    assertEquals(prefix + i, mine.get(i), "one thread's appends keep their order");
                }
            }
        }
        assertTrue(reports.isEmpty(), reports.toString());
    }

    // ---- helpers

    private SegmentOutbox open() throws IOException {
        return SegmentOutbox.open(dir, 100, reports::add);
    }

    private static List<EventRecord> records(String... bodies) {
        List<EventRecord> out = new ArrayList<>();
        for (String body : bodies) {
            out.add(EventRecord.of("main", "org1", "openphish-file-feed", "UTC", "text/plain",
                    body.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** Takes and acknowledges every waiting event; @return their bodies */
    private static List<String> drain(Outbox outbox) throws IOException {
        List<String> bodies = new ArrayList<>();
        while (!outbox.isEmpty()) {
            bodies.add(deliver(outbox));
        }
        return bodies;
    }

    /** Takes the next event, acknowledges it, returns its body. */
    private static String deliver(Outbox outbox) throws IOException {
        StoredEvent event = outbox.next().orElseThrow();
        outbox.remove(event);
        return new String(event.body(), StandardCharsets.UTF_8);
    }

    private static String body(Optional<StoredEvent> event) {
        return new String(event.orElseThrow().body(), StandardCharsets.UTF_8);
    }

    private Path onlySegment() throws IOException {
        List<Path> all = segments();
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    private List<Path> corruptFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("corrupt"))) {
            return files.toList();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
