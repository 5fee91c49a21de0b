package org.cybexp.input.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {

    @TempDir
    Path dir;

    @Test
    void commitsSurviveAReopenAndLeaveNoTemporaryFile() throws Exception {
        StateStore store = StateStore.open(dir.resolve("in"));
        assertTrue(store.get("cursor").isEmpty());
        store.commit(Map.of("cursor", Optional.of("42"), "etag", Optional.of("\"a=b\"")));
        store.commit(Map.of("etag", Optional.empty()));

        StateStore reopened = StateStore.open(dir.resolve("in"));
        assertEquals(Optional.of("42"), reopened.get("cursor"));
        assertTrue(reopened.get("etag").isEmpty());
        assertFalse(Files.exists(dir.resolve("in").resolve(StateStore.FILE_NAME + ".tmp")));
    }
}
