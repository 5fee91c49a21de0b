package org.cybexp.input.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code logs [-f] [-n NAME]}: the daemon's log, {@code log/cybexp-input.log}, whole or one input's lines (the
 * lines of its fetch thread {@code cybexp-input-NAME} and those naming it as {@code input 'NAME'}), and with
 * {@code -f} what is appended to it until interrupted, across a restart that rotates it.
 */
final class LogView {

    private static final long FOLLOW_POLL_MS = 250;

    private final Home home;
    private final PrintStream out;
    private final PrintStream err;

    LogView(Home home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    int show(List<String> names, boolean follow) throws IOException, InterruptedException {
        Path log = home.log();
        Predicate<String> wanted = names.isEmpty() ? line -> true : of(names.get(0));
        LineReader reader = new LineReader(wanted);
        try {
            reader.readFrom(log);
        } catch (NoSuchFileException absent) {
            if (!follow) {
                err.println("cybexp-input: no log yet: " + home.root().relativize(log)
                        + " is written once the daemon runs");
                return Cli.ERROR;
            }
        } catch (AccessDeniedException denied) {
            err.println("cybexp-input: cannot read " + log + ": it is readable by the daemon's user only");
            return Cli.ERROR;
        }
        out.flush();
        if (!follow && !names.isEmpty() && reader.shown == 0) {
            // like grep: nothing matched is worth an exit code, a misspelt name most of all
            err.println("cybexp-input: no line of " + home.root().relativize(log) + " is about input '"
                    + names.get(0) + "'; 'cybexp-input status' lists the inputs");
            return Cli.ERROR;
        }
        while (follow) {
            Thread.sleep(FOLLOW_POLL_MS); // polling a file for growth: there is no condition to wait on
            try {
                reader.readFrom(log);
            } catch (NoSuchFileException rotating) {
                reader.restart();
            }
            out.flush();
        }
        return Cli.OK;
    }

    /** One input's lines: its thread's, and those that name it. */
    static Predicate<String> of(String name) {
        String thread = "[cybexp-input-" + name + "]";
        String quoted = "'" + name + "'";
        String prefixed = "input " + name + ":";
        return line -> line.contains(thread) || line.contains(quoted) || line.contains(prefixed);
    }

    /** Reads what a file gained since the last call; a file that was replaced (rotated) is read from its start. */
    private final class LineReader {
        private final Predicate<String> wanted;
        private Object fileKey;
        private long offset;
        private long shown;
        private final StringBuilder partial = new StringBuilder();

        LineReader(Predicate<String> wanted) {
            this.wanted = wanted;
        }

        void restart() {
            fileKey = null;
            offset = 0;
            partial.setLength(0);
        }

        void readFrom(Path log) throws IOException {
            Object key = Files.readAttributes(log, BasicFileAttributes.class).fileKey();
            if (fileKey != null && !fileKey.equals(key) || Files.size(log) < offset) {
                restart();
            }
            fileKey = key;
            try (InputStream in = Files.newInputStream(log)) {
                in.skipNBytes(offset);
                byte[] bytes = in.readAllBytes();
                offset += bytes.length;
                partial.append(new String(bytes, StandardCharsets.UTF_8));
            }
            int end;
            while ((end = partial.indexOf("\n")) >= 0) {
                String line = partial.substring(0, end);
                partial.delete(0, end + 1);
                if (wanted.test(line)) {
                    out.println(line);
                    shown++;
                }
            }
        }
    }
}
