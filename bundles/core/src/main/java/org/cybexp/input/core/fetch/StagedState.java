package org.cybexp.input.core.fetch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.cybexp.input.api.PersistentState;
import org.cybexp.input.core.store.StateStore;

/** The state writes of one fetch call, staged over the committed state until the call's events are stored. */
public final class StagedState implements PersistentState {

    private final StateStore store;
    private final Map<String, Optional<String>> staged = new LinkedHashMap<>();

    public StagedState(StateStore store) {
        this.store = store;
    }

    @Override
    public synchronized Optional<String> get(String key) {
        Optional<String> change = staged.get(key);
        return change != null ? change : store.get(key);
    }

    @Override
    public synchronized void put(String key, String value) {
        staged.put(key, Optional.of(value));
    }

    @Override
    public synchronized void remove(String key) {
        staged.put(key, Optional.empty());
    }

    /** The staged changes, for the next commit (a removal is an empty value). */
    public synchronized Map<String, Optional<String>> staged() {
        return new LinkedHashMap<>(staged);
    }

    /** Forgets the staged changes: committed, or dropped with a failed call. */
    synchronized void clear() {
        staged.clear();
    }
}
