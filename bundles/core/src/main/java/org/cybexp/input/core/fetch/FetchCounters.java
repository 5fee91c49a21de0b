package org.cybexp.input.core.fetch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** One input's fetch counters and progress line, kept across its fetch calls; shown in status. */
public final class FetchCounters {

    final AtomicLong fetched = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    private volatile String detail = "";
    private final Map<String, Object> details = new ConcurrentHashMap<>();
    private volatile boolean backPressure;

    /** Events stored in the outbox. */
    public long fetched() {
        return fetched.get();
    }

    /** Events dropped because their dedup keys were all seen before. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Records the plugin skipped as malformed. */
    public long malformed() {
        return malformed.get();
    }

    /** Events a listener could not store because the outbox was over its cap (its sender was told to retry). */
    public long refused() {
        return refused.get();
    }

    /** The plugin's last progress line. */
    public String detail() {
        return detail;
    }

    public void detail(String line) {
        detail = line == null ? "" : line;
    }

    /** The plugin's structured status, by key (a snapshot). */
    public Map<String, Object> details() {
        return Map.copyOf(details);
    }

    /** Sets one structured status entry; null removes it. */
    public void detail(String key, Object value) {
        if (value == null) {
            details.remove(key);
        } else {
            details.put(key, value);
        }
    }

    /** Whether a running call waits for room in the outbox. */
    public boolean backPressure() {
        return backPressure;
    }

    void backPressure(boolean waiting) {
        backPressure = waiting;
    }
}
