package org.cybexp.input.api;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An input's persistent key/value state: cursors, HTTP validators, file offsets. Reads see staged writes.
 * Writes are committed only after the events emitted before them are stored durably, so a cursor never runs
 * ahead of the data.
 *
 * <p>Keys are the plugin's, except those the container keeps in the same state: {@code http.etag.*} and
 * {@code http.lastmod.*} (the validators of conditional requests) and {@code commit.seq} (the last batch
 * committed). Never write these; pick keys of your own ({@code cursor}, {@code offset.<file>}). Keys and values
 * are strings of any length, but state is small: a cursor, not a list of everything seen (that is what dedup
 * keys are for).
 *
 * @since 1.0
 */
@ProviderType
public interface PersistentState {

    /**
     * A value: the staged one if this fetch wrote it, else the committed one.
     *
     * @param key the key
     * @return its value; empty if it was never written, or removed
     */
    Optional<String> get(String key);

    /**
     * Stages a value; committed at the next checkpoint or when the fetch returns normally, dropped if the fetch
     * throws or is stopped at once.
     *
     * @param key one of the plugin's keys (not a reserved one)
     * @param value the value
     */
    void put(String key, String value);

    /**
     * Stages the removal of a key, committed like {@link #put}.
     *
     * @param key the key
     */
    void remove(String key);
}
