package org.cybexp.input.delivery;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.cybexp.input.core.control.DeliveryFates;

/**
 * The fates of the latest delivered or dead-lettered events, by input and body SHA-256, in memory: a bounded
 * map (the oldest go first), so a busy poller costs a few MB at most. Receipts that need longer write down what
 * they learn.
 */
final class RecentFates implements DeliveryFates {

    static final int DEFAULT_ENTRIES = 20_000;

    private final Map<String, Fate> fates;

    RecentFates() {
        this(DEFAULT_ENTRIES);
    }

    RecentFates(int entries) {
        this.fates = new LinkedHashMap<>(256, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Fate> eldest) {
                return size() > entries;
            }
        };
    }

    void delivered(String input, String sha256, int status, String answer, Instant at) {
        put(input, sha256, new Fate(State.DELIVERED, status, answer, at));
    }

    void deadLettered(String input, String sha256, int status, String answer, Instant at) {
        put(input, sha256, new Fate(State.DEAD_LETTERED, status, answer, at));
    }

    private synchronized void put(String input, String sha256, Fate fate) {
        String key = input + '\n' + sha256;
        fates.remove(key); // the latest event with this body moves to the young end
        fates.put(key, fate);
    }

    @Override
    public synchronized Optional<Fate> fate(String inputName, String sha256) {
        return Optional.ofNullable(fates.get(inputName + '\n' + sha256));
    }
}
