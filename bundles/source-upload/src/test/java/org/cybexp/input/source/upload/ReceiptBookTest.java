package org.cybexp.input.source.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.cybexp.input.core.control.DeliveryFates;
import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiptBookTest {

    @TempDir
    Path dir;

    private static Receipt receipt(String id, String uploader, String idempotency, String sha, Instant at) {
        return new Receipt(id, uploader, idempotency, "f.csv", "f.csv", "org", "misp-api", "UTC", 3, sha,
                Receipt.STORED, at.toString(), at.toString(), 0, "");
    }

    @Test
    void findsTheFirstReceiptWithinTheWindowAndKeepsItAcrossRestarts() throws IOException {
        TestClock clock = TestClock.at("2026-01-01T00:00:00Z");
        ReceiptBook book = new ReceiptBook(dir, Duration.ofHours(1), clock).load();
        book.put(receipt("a".repeat(32), "alice", "k1", "sha1", clock.instant()));
        assertEquals("a".repeat(32), book.byIdempotencyKey("alice", "k1").orElseThrow().id());
        assertTrue(book.byIdempotencyKey("bob", "k1").isEmpty(), "another key's header is its own");
        assertTrue(book.bySameUpload("alice", "sha1", "org", "misp-api", "f.csv").isPresent());
        assertTrue(book.bySameUpload("alice", "sha1", "other-org", "misp-api", "f.csv").isEmpty());

        ReceiptBook reloaded = new ReceiptBook(dir, Duration.ofHours(1), clock).load();
        assertEquals("alice", reloaded.get("a".repeat(32)).orElseThrow().uploader());
        clock.advance(Duration.ofHours(2));
        assertTrue(reloaded.byIdempotencyKey("alice", "k1").isEmpty(), "past the window");
        assertEquals(1, reloaded.latest("alice", 10).size(), "still listed");
    }

    @Test
    void followsTheDeliveryAndIgnoresAnOlderUploadsFate() throws IOException {
        TestClock clock = TestClock.at("2026-01-01T00:00:00Z");
        ReceiptBook book = new ReceiptBook(dir, Duration.ofHours(1), clock).load();
        Instant at = clock.instant();
        book.put(receipt("b".repeat(32), "alice", "", "sha2", at));
        Map<String, DeliveryFates.Fate> fates = new java.util.HashMap<>();
        DeliveryFates delivery = (input, posting) -> Optional.ofNullable(fates.get(input + "/" + posting.sha256()
                + "/" + posting.name()));
        fates.put("desk/sha2/f.csv", new DeliveryFates.Fate(DeliveryFates.State.DELIVERED, 201, "ok", at.minusSeconds(5)));
        book.follow("desk", delivery);
        assertEquals(Receipt.STORED, book.get("b".repeat(32)).orElseThrow().state(), "that fate was older");
        fates.put("desk/sha2/f.csv", new DeliveryFates.Fate(DeliveryFates.State.DEAD_LETTERED, 400, "Invalid input: x",
                at.plusSeconds(1)));
        book.follow("desk", delivery);
        Receipt settled = new ReceiptBook(dir, Duration.ofHours(1), clock).load().get("b".repeat(32)).orElseThrow();
        assertEquals(Receipt.DEAD_LETTERED, settled.state());
        assertEquals(400, settled.status());
        assertEquals("Invalid input: x", settled.answer());
    }
}
