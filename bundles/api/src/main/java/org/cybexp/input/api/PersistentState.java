package org.cybexp.input.api;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An input's persistent key/value state: cursors, HTTP validators, file offsets. Reads see staged writes.
 * Writes are committed only after the events emitted before them are stored durably, so a cursor never runs
 * ahead of the data.
 */
@ProviderType
public interface PersistentState {

    Optional<String> get(String key);

    /** Stages a value; committed at the next checkpoint or when the fetch returns normally. */
    void put(String key, String value);

    /** Stages the removal of a key. */
    void remove(String key);
}
