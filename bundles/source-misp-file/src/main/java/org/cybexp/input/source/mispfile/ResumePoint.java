package org.cybexp.input.source.mispfile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import org.cybexp.input.api.PersistentState;

/**
 * Where the entry being read stands, kept in the input's state ({@code misp.file.resume = <id> <done>
 * <problems>}) and committed only with the events before it, so a restart skips exactly the elements whose
 * events are stored. Entries are read one at a time, so one key is enough. The id is the entry's name, size and
 * modification time: a file replaced by another one starts over.
 */
final class ResumePoint {

    static final String KEY = "misp.file.resume";

    private final PersistentState state;

    ResumePoint(PersistentState state) {
        this.state = state;
    }

    static String id(DropFolder.Entry entry) {
        String identity = entry.kind() + "|" + entry.name() + "|" + entry.size() + "|"
                + entry.modified().toEpochMilli();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Elements already handled in the entry with this id: 0 unless a run stopped inside it. */
    long done(String id) {
        return field(id, 1);
    }

    /** Problems already found in the entry before the resume point (a feed's unreadable event files). */
    int problems(String id) {
        return (int) field(id, 2);
    }

    private long field(String id, int index) {
        Optional<String> saved = state.get(KEY);
        if (saved.isEmpty()) {
            return 0;
        }
        String[] parts = saved.get().trim().split(" ");
        if (parts.length < 2 || !parts[0].equals(id) || parts.length <= index) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(parts[index]));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Stages the position; committed with the next checkpoint, after the events before it are stored. */
    void stage(String id, long done, int problems) {
        state.put(KEY, id + " " + done + " " + problems);
    }

    /** The entry left the directory: nothing to resume. */
    void clear() {
        state.remove(KEY);
    }
}
