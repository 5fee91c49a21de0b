package org.cybexp.input.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.core.control.DeliveryStats;
import org.cybexp.input.core.control.EventStore;

/** A simple outbox for tests: one file per event under {@code <dir>/<input>/}, in order. */
public final class DirEventStore implements EventStore {

    private final Path dir;
    private volatile boolean failing;
    private volatile DeliveryStats stats = DeliveryStats.NONE;
    private int appends;

    public DirEventStore(Path dir) {
        this.dir = dir;
    }

    /** Makes the next appends fail, like a full disk. */
    public void failing(boolean fail) {
        failing = fail;
    }

    public void stats(DeliveryStats newStats) {
        stats = newStats;
    }

    public synchronized int appends() {
        return appends;
    }

    @Override
    public synchronized void append(InputConfig input, List<Event> events) throws IOException {
        if (failing) {
            throw new IOException("disk full (test)");
        }
        Path folder = Files.createDirectories(dir.resolve(input.name()));
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
    public DeliveryStats stats(String inputName) {
        return stats;
    }
}
