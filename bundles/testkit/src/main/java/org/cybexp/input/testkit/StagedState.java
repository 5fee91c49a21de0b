package org.cybexp.input.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.cybexp.input.api.PersistentState;

/** The state writes of one call, staged over the store's committed state until a checkpoint. */
final class StagedState implements PersistentState {

    private final InMemoryInputStore store;
    private final Map<String, Optional<String>> staged = new LinkedHashMap<>();

    StagedState(InMemoryInputStore store) {
        this.store = store;
    }

    @Override
    public synchronized Optional<String> get(String key) {
        Optional<String> change = staged.get(key);
        return change != null ? change : store.committed(key);
    }

    @Override
    public synchronized void put(String key, String value) {
        staged.put(key, Optional.of(value));
    }

    @Override
    public synchronized void remove(String key) {
        staged.put(key, Optional.empty());
    }

    synchronized Map<String, Optional<String>> staged() {
        return Map.copyOf(staged);
    }

    /** Commits the staged changes; they stay staged if the store refuses them. */
    synchronized void commit() {
        store.commitState(staged);
        staged.clear();
    }

    synchronized void discard() {
        staged.clear();
    }
}
