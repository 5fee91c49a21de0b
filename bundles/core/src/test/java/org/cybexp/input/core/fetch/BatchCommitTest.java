package org.cybexp.input.core.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.cybexp.input.core.store.DedupKey;
import org.cybexp.input.core.store.DedupStore;
import org.cybexp.input.core.store.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A commit stored with its batch but not applied (the process died in between) is applied at the next fetch. */
class BatchCommitTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void aCommitTheStoresMissedIsRolledForwardOnceAndOnlyOnce() throws IOException {
        DedupStore dedup = DedupStore.open(dir, 30, CLOCK);
        StateStore state = StateStore.open(dir);
        List<DedupKey> keys = List.of(DedupKey.of("url-1"), DedupKey.of("url-2"));
        Map<String, Optional<String>> changes = new LinkedHashMap<>();
        changes.put("cursor", Optional.of("42"));
        changes.put("etag", Optional.empty());
        byte[] stored = BatchCommit.next(state, keys, changes).encode(); // in the outbox; then the crash
        dedup.close();

        DedupStore reopenedDedup = DedupStore.open(dir, 30, CLOCK);
        StateStore reopenedState = StateStore.open(dir);
        assertFalse(reopenedDedup.seen(keys.get(0)), "not applied before the crash");

        assertTrue(BatchCommit.rollForward(Optional.of(stored), reopenedDedup, reopenedState));
        assertTrue(reopenedDedup.seen(keys.get(0)) && reopenedDedup.seen(keys.get(1)));
        assertEquals(Optional.of("42"), reopenedState.get("cursor"));
        assertEquals(Optional.of("1"), reopenedState.get(BatchCommit.APPLIED));

        assertFalse(BatchCommit.rollForward(Optional.of(stored), reopenedDedup, reopenedState), "applied once");
        reopenedState.commit("cursor", "43"); // the plugin moved on
        assertFalse(BatchCommit.rollForward(Optional.of(stored), reopenedDedup, reopenedState));
        assertEquals(Optional.of("43"), reopenedState.get("cursor"), "an old commit never moves a cursor back");
        assertFalse(BatchCommit.rollForward(Optional.empty(), reopenedDedup, reopenedState));
        reopenedDedup.close();
    }

    @Test
    void encodesKeysAndStateChangesIncludingRemovals() throws IOException {
        Map<String, Optional<String>> changes = new LinkedHashMap<>();
        changes.put("a", Optional.of("ünïcode"));
        changes.put("b", Optional.empty());
        BatchCommit commit = new BatchCommit(7, List.of(DedupKey.of("x")), changes);

        BatchCommit decoded = BatchCommit.decode(commit.encode());

        assertEquals(commit, decoded);
    }

    @Test
    void aDamagedCommitIsAnErrorNotAnEmptyCommit() {
        assertThrows(IOException.class, () -> BatchCommit.decode(new byte[] {9, 0, 0}));
        byte[] truncated = new BatchCommit(1, List.of(DedupKey.of("x")), Map.of("k", Optional.of("v"))).encode();
        assertThrows(IOException.class, () -> BatchCommit.decode(java.util.Arrays.copyOf(truncated,
                truncated.length - 2)));
    }
}
