package org.cybexp.input.core.runner;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import org.cybexp.input.core.files.DataFolder;
import org.cybexp.input.core.store.DedupStore;
import org.cybexp.input.core.store.StateStore;

/** One input's state and dedup stores, opened on first use (not in the manager's thread) and closed with it. */
final class InputStores {

    private final Path dir;
    private final int dedupTtlDays;
    private final Clock clock;
    private StateStore state;
    private DedupStore dedup;

    InputStores(Path dataDir, String inputName, int dedupTtlDays, Clock clock) {
        this.dir = DataFolder.stateOf(dataDir, inputName);
        this.dedupTtlDays = dedupTtlDays;
        this.clock = clock;
    }

    synchronized StateStore state() throws IOException {
        if (state == null) {
            state = StateStore.open(dir);
        }
        return state;
    }

    synchronized DedupStore dedup() throws IOException {
        if (dedup == null) {
            dedup = DedupStore.open(dir, dedupTtlDays, clock);
        }
        return dedup;
    }

    synchronized void close() throws IOException {
        if (dedup != null) {
            dedup.close();
            dedup = null;
        }
        state = null;
    }
}
