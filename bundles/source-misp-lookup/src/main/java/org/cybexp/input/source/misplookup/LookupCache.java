package org.cybexp.input.source.misplookup;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values one input looked up lately ({@code cache_seconds}), so that a value repeated within that time
 * (in the same file or the next ones) does not ask MISP again: its answer was posted already, and the same
 * events would be dropped as duplicates. In memory, at most {@code cache_max_values} entries, the oldest first
 * out; it outlives fetches, not the input.
 */
final class LookupCache {

    private final Duration ttl;
    private final int maxEntries;
    private final Map<String, Instant> answeredAt;

    LookupCache(Duration ttl, int maxEntries) {
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.answeredAt = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > LookupCache.this.maxEntries;
            }
        };
    }

    synchronized boolean fresh(String key, Instant now) {
        if (ttl.isZero()) {
            return false;
        }
        Instant at = answeredAt.get(key);
        if (at == null) {
            return false;
        }
        if (!now.isBefore(at.plus(ttl))) {
            answeredAt.remove(key);
            return false;
        }
        return true;
    }

    /** Called once the value's answer is stored. */
    synchronized void answered(String key, Instant now) {
        if (!ttl.isZero()) {
            answeredAt.remove(key);
            answeredAt.put(key, now);
        }
    }
}
