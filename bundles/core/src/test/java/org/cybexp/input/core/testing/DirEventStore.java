package org.cybexp.input.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.core.control.EventStore;

/**
 * A simple outbox for tests: one file per event under {@code <dir>/<input>/}, in order, and the latest commit
 * record in {@code <dir>/<input>.commit}.
 */
public final class DirEventStore implements EventStore {

    private final Path dir;
    private volatile boolean failing;
    private volatile boolean accepting = true;
    private volatile DeliveryStats stats = DeliveryStats.NONE;
    private int appends;

    public DirEventStore(Path dir) {
        this.dir = dir;
    }

    /** Makes the next appends fail, like a full disk. */
    public void failing(boolean fail) {
        failing = fail;
    }

    /** Makes {@link #accepting} answer as a full (false) or drained (true) outbox would. */
    public void accepting(boolean room) {
        accepting = room;
    }

    @Override
    public boolean accepting(String inputName) {
        return accepting;
    }

    public void stats(DeliveryStats newStats) {
        stats = newStats;
    }

    public synchronized int appends() {
        return appends;
    }

    @Override
    public synchronized void append(InputConfig input, List<Event> events, byte[] commit) throws IOException {
        if (failing) {
            throw new IOException("disk full (test)");
        }
        Path folder = Files.createDirectories(dir.resolve(input.name()));
        if (commit != null) {
            Files.write(dir.resolve(input.name() + ".commit"), commit);
        }
        long next = count(folder);
        for (Event event : events) {
            Files.write(folder.resolve(String.format("%08d.event", next++)), event.body());
        }
        appends++;
    }

    /** The bodies stored for an input, in order, as text. */
    public synchronized List<String> stored(String input) throws IOException {
        Path folder = dir.resolve(input);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<String> out = new ArrayList<>();
            for (Path file : files.sorted().toList()) {
                out.add(Files.readString(file));
            }
            return out;
        }
    }

    private static long count(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }

    @Override
    public synchronized Optional<byte[]> lastCommit(String inputName) throws IOException {
        Path file = dir.resolve(inputName + ".commit");
        return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    @Override
    public DeliveryStats stats(String inputName) {
        return stats;
    }
}
