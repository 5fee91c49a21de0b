package org.cybexp.input.core.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import org.cybexp.input.core.files.DurableFiles;

/**
 * One input's committed key/value state ({@code state/<input>/state.properties}): cursors, HTTP validators,
 * the time of the last fetch. Each commit replaces the file atomically, so a crash never leaves half a state.
 */
public final class StateStore {

    static final String FILE_NAME = "state.properties";

    private final Path file;
    private Map<String, String> committed;

    private StateStore(Path file, Map<String, String> committed) {
        this.file = file;
        this.committed = committed;
    }

    /** Opens (or starts) the state in a folder. */
    public static StateStore open(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        Map<String, String> values = new TreeMap<>();
        try (InputStream in = Files.newInputStream(file)) {
            Properties properties = new Properties();
            properties.load(in);
            properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
        } catch (NoSuchFileException e) {
            // a new input starts empty
        }
        return new StateStore(file, values);
    }

    public synchronized Optional<String> get(String key) {
        return Optional.ofNullable(committed.get(key));
    }

    /** Every committed key and value (a snapshot). */
    public synchronized Map<String, String> values() {
        return Map.copyOf(committed);
    }

    /**
     * Applies changes and writes them durably; on failure the committed state is unchanged.
     *
     * @param changes key to new value, or to an empty optional to remove the key
     */
    public synchronized void commit(Map<String, Optional<String>> changes) throws IOException {
        if (changes.isEmpty()) {
            return;
        }
        Map<String, String> next = new TreeMap<>(committed);
        changes.forEach((key, value) -> {
            if (value.isPresent()) {
                next.put(key, value.get());
            } else {
                next.remove(key);
            }
        });
        Properties properties = new Properties();
        properties.putAll(next);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        properties.store(out, "cybexp-input state: written by the container, do not edit while it runs");
        DurableFiles.write(file, out.toByteArray());
        committed = next;
    }

    /** Sets one key durably at once, for the container's own bookkeeping (e.g. the last fetch start). */
    public void commit(String key, String value) throws IOException {
        commit(Map.of(key, Optional.of(value)));
    }
}
