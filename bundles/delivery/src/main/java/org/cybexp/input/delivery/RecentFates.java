package org.cybexp.input.delivery;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.cybexp.input.core.control.DeliveryFates;
import org.cybexp.input.delivery.store.EventHeader;

/**
 * The fates of the latest delivered or dead-lettered events, by input and posting (name, orgid, typetag, body
 * SHA-256), in memory: a bounded
 * map (the oldest go first), so a busy poller costs a few MB at most. Receipts that need longer write down what
 * they learn.
 */
final class RecentFates implements DeliveryFates {

    static final int DEFAULT_ENTRIES = 20_000;

    private final Map<Key, Fate> fates;

    RecentFates() {
        this(DEFAULT_ENTRIES);
    }

    RecentFates(int entries) {
        this.fates = new LinkedHashMap<>(256, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Fate> eldest) {
                return size() > entries;
            }
        };
    }

    /** The posting an outbox event is: the fields it is posted with. */
    static Posting posting(EventHeader header) {
        return new Posting(header.name(), header.orgid(), header.typetag(), header.sha256());
    }

    void delivered(String input, Posting posting, int status, String answer, Instant at) {
        put(input, posting, new Fate(State.DELIVERED, status, answer, at));
    }

    void deadLettered(String input, Posting posting, int status, String answer, Instant at) {
        put(input, posting, new Fate(State.DEAD_LETTERED, status, answer, at));
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
        return Optional.ofNullable(fates.get(new Key(inputName, posting)));
    }

    private record Key(String input, Posting posting) {
    }
}
