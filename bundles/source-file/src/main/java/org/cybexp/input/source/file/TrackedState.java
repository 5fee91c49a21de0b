package org.cybexp.input.source.file;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.cybexp.input.api.PersistentState;

/**
 * The known files in the input's state, under one key: a line per file with its fingerprint, device, inode,
 * committed offset, when it was last seen, whether it is done, and its last path. Small: vanished files are
 * dropped after {@code clean_after}.
 */
final class TrackedState {

    static final String KEY = "files";
    private static final String VERSION = "v1";

    private TrackedState() {
    }

    /** The known files; empty when the input never committed any (a fresh input). */
    static Optional<List<TrackedFile>> load(PersistentState state) {
        Optional<String> text = state.get(KEY);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        List<TrackedFile> out = new ArrayList<>();
        String[] lines = text.get().split("\n");
        for (int i = 1; i < lines.length; i++) { // line 0 is the version
            String[] f = lines[i].split("\t", 7);
            if (f.length == 7) {
                out.add(TrackedFile.restored(f[0], f[1], Long.parseLong(f[2]), Path.of(unescape(f[6])),
                        Long.parseLong(f[3]), Long.parseLong(f[4]), "1".equals(f[5])));
            }
        }
        return Optional.of(out);
    }

    /**
     * The state text of the known files at their posted offsets, marking those offsets as staged. Times are
     * kept to the minute, so a file that is only seen again does not change the text.
     */
    static String text(List<TrackedFile> files) {
        StringBuilder out = new StringBuilder(VERSION).append('\n');
        for (TrackedFile t : files) {
            long offset = t.stage();
            if (t.device() == null) {
                continue;
            }
            boolean done = t.done && offset >= t.readOffset(); // done only once all of it is posted
            out.append(t.fingerprint).append('\t').append(t.device()).append('\t').append(t.inode()).append('\t')
                    .append(offset).append('\t').append(t.lastSeenMillis / 60_000 * 60_000).append('\t').append(done ? 1 : 0)
                    .append('\t').append(escape(t.path() == null ? "" : t.path().toString())).append('\n');
        }
        return out.toString();
    }

    private static String escape(String path) {
        return path.replace("%", "%25").replace("\t", "%09").replace("\n", "%0A").replace("\r", "%0D");
    }

    private static String unescape(String text) {
        return text.replace("%0D", "\r").replace("%0A", "\n").replace("%09", "\t").replace("%25", "%");
    }
}
