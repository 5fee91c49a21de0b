package org.cybexp.input.delivery.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.cybexp.input.delivery.store.EventFile.CorruptEventException;

/** Finds, reads and checks the event files of an outbox folder; moves damaged ones to its {@code corrupt/} folder. */
final class OutboxReader {

    private static final Pattern EVENT_FILE = Pattern.compile("\\d{20}");
    private static final Pattern TEMPORARY = Pattern.compile("\\.\\d{20}\\.tmp");

    private final Path dir;
    private final EventFile format;

    OutboxReader(Path dir, EventFile format) {
        this.dir = dir;
        this.format = format;
    }

    /** The sequence numbers of the event files; removes temporaries left by a crash (never acknowledged). */
    NavigableSet<Long> scan() throws IOException {
        NavigableSet<Long> seqs = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (EVENT_FILE.matcher(name).matches()) {
                    seqs.add(Long.parseLong(name));
                } else if (TEMPORARY.matcher(name).matches()) {
                    Files.deleteIfExists(file);
                }
            }
        }
        return seqs;
    }

    /**
     * @throws CorruptEventException if the file does not match its header
     * @throws java.nio.file.NoSuchFileException if it is gone
     */
    StoredEvent read(long seq) throws IOException {
        return new StoredEvent(seq, format.decode(Files.readAllBytes(fileOf(seq))));
    }

    /** Moves a damaged file to {@code corrupt/}, keeping its name; returns where it went. */
    Path quarantine(long seq) throws IOException {
        Path target = dir.resolve("corrupt").resolve(fileOf(seq).getFileName());
        DurableFiles.move(fileOf(seq), target);
        return target;
    }

    Path fileOf(long seq) {
        return dir.resolve(String.format("%020d", seq));
    }
}
