package org.cybexp.input.delivery;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.cybexp.input.core.control.DeliveryFates;
import org.cybexp.input.delivery.store.EventHeader;

/**
 * The fates of the latest delivered or dead-lettered events, by input and posting (name, orgid, typetag, body
 * SHA-256), in memory: a bounded
 * map (the oldest go first), so a busy poller costs a few MB at most. Receipts that need longer write down what
 * they learn. Only the inputs that asked ({@link #keep}, {@link #fate}) have their fates kept: the others' posts
 * cost one look-up in a set, not a map entry under a lock (8% of a post's CPU against a fast API).
 */
final class RecentFates implements DeliveryFates {

    static final int DEFAULT_ENTRIES = 20_000;

    private final Map<Key, Fate> fates;
    private final Set<String> kept = ConcurrentHashMap.newKeySet();
    /** Told once per input when it is kept for the first time: it writes that down for the next run. */
    private final Consumer<String> firstKept;

    RecentFates() {
        this(DEFAULT_ENTRIES, input -> { });
    }

    RecentFates(int entries) {
        this(entries, input -> { });
    }

    RecentFates(int entries, Consumer<String> firstKept) {
        this.firstKept = firstKept;
        this.fates = new LinkedHashMap<>(256, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Fate> eldest) {
                return size() > entries;
            }
        };
    }

    /** The posting an outbox event is: the fields it is posted with. */
    private static Posting posting(EventHeader header) {
        return new Posting(header.name(), header.orgid(), header.typetag(), header.sha256());
    }

    void delivered(String input, EventHeader header, int status, String answer, Instant at) {
        if (kept.contains(input)) {
            put(input, posting(header), new Fate(State.DELIVERED, status, answer, at));
        }
    }

    void deadLettered(String input, EventHeader header, int status, String answer, Instant at) {
        if (kept.contains(input)) {
            put(input, posting(header), new Fate(State.DEAD_LETTERED, status, answer, at));
        }
    }

    @Override
    public void keep(String inputName) {
        if (!kept.contains(inputName) && kept.add(inputName)) {
            firstKept.accept(inputName);
        }
    }

    private synchronized void put(String input, Posting posting, Fate fate) {
        Key key = new Key(input, posting);
        if (fates.put(key, fate) != null) { // the latest such event moves to the young end
            fates.remove(key);
            fates.put(key, fate);
        }
    }

    @Override
    public synchronized Optional<Fate> fate(String inputName, Posting posting) {
        keep(inputName);
        return Optional.ofNullable(fates.get(new Key(inputName, posting)));
    }

    private record Key(String input, Posting posting) {
    }
}
