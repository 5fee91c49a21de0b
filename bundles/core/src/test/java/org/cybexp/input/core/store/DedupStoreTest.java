package org.cybexp.input.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.cybexp.input.core.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupStoreTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T12:00:00Z"));

    private static DedupKey key(String text) {
        return DedupKey.of(text);
    }

    private long logRecords() throws Exception {
        return Files.size(dir.resolve(DedupStore.FILE_NAME)) / DedupStore.RECORD_SIZE;
    }

    @Test
    void committedKeysSurviveAReopen() throws Exception {
        try (DedupStore store = DedupStore.open(dir, 180, clock)) {
            store.commit(List.of(key("a"), key("b")));
            assertTrue(store.seen(key("a")));
            assertFalse(store.seen(key("c")));
        }
        try (DedupStore store = DedupStore.open(dir, 180, clock)) {
            assertTrue(store.seen(key("a")) && store.seen(key("b")));
            assertEquals(2, store.size());
        }
        assertEquals(2, logRecords());
    }

    @Test
    void keysExpireAfterTheTtlUnlessSeenAgain() throws Exception {
        try (DedupStore store = DedupStore.open(dir, 10, clock)) {
            store.commit(List.of(key("old"), key("kept")));
            clock.advance(Duration.ofDays(8));
            store.refresh(key("kept"));
            store.commit(List.of());
        }
        clock.advance(Duration.ofDays(5));
        try (DedupStore store = DedupStore.open(dir, 10, clock)) {
            assertFalse(store.seen(key("old")), "13 days unseen with a 10-day TTL");
            assertTrue(store.seen(key("kept")), "refreshed 5 days ago");
        }
    }

    @Test
    void compactsAMostlyDeadLogAtOpen() throws Exception {
        try (DedupStore store = DedupStore.open(dir, 10, clock)) {
            store.commit(List.of(key("1"), key("2"), key("3"), key("4")));
            clock.advance(Duration.ofDays(20));
            store.commit(List.of(key("live")));
        }
        assertEquals(5, logRecords());
        try (DedupStore store = DedupStore.open(dir, 10, clock)) {
            assertEquals(1, store.size());
        }
        assertEquals(1, logRecords());
    }

    @Test
    void aTornRecordAtTheEndIsCutAndLaterAppendsStayAligned() throws Exception {
        try (DedupStore store = DedupStore.open(dir, 180, clock)) {
            store.commit(List.of(key("a")));
        }
        Files.write(dir.resolve(DedupStore.FILE_NAME), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        try (DedupStore store = DedupStore.open(dir, 180, clock)) {
            assertTrue(store.seen(key("a")));
            store.commit(List.of(key("b")));
        }
        try (DedupStore store = DedupStore.open(dir, 180, clock)) {
            assertTrue(store.seen(key("a")) && store.seen(key("b")));
            assertEquals(2, store.size());
        }
    }
}
