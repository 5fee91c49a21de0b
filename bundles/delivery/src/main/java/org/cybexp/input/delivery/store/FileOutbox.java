package org.cybexp.input.delivery.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Consumer;

import org.cybexp.input.delivery.store.EventFile.CorruptEventException;

/**
 * An outbox as a folder with one file per event ({@code data/outbox/<input>/<20-digit seq>}). The waiting
 * sequence numbers are kept in memory so that delivering does not list the folder for every event.
 */
public final class FileOutbox implements Outbox {

    private final OutboxWriter writer;
    private final OutboxReader reader;
    private final NavigableSet<Long> waiting;
    private final Consumer<String> corruptionReport;

    private FileOutbox(OutboxWriter writer, OutboxReader reader, NavigableSet<Long> waiting,
            Consumer<String> corruptionReport) {
        this.writer = writer;
        this.reader = reader;
        this.waiting = waiting;
        this.corruptionReport = corruptionReport;
    }

    /**
     * Opens (or creates) an outbox folder and checks every file in it; damaged ones are moved to {@code corrupt/}
     * and reported.
     *
     * @param firstSeq the lowest sequence number for new events: a time-based value keeps names growing across
     *        restarts, so dead letters and archive files of an earlier run are never overwritten
     * @param corruptionReport told, in words, about each damaged file
     */
    public static FileOutbox open(Path dir, long firstSeq, Consumer<String> corruptionReport) throws IOException {
        Files.createDirectories(dir);
        EventFile format = new EventFile();
        OutboxReader reader = new OutboxReader(dir, format);
        NavigableSet<Long> waiting = new ConcurrentSkipListSet<>();
        for (long seq : reader.scan()) {
            try {
                reader.read(seq);
                waiting.add(seq);
            } catch (CorruptEventException e) {
                report(reader, seq, e, corruptionReport);
            }
        }
        long next = waiting.isEmpty() ? firstSeq : Math.max(firstSeq, waiting.last() + 1);
        return new FileOutbox(new OutboxWriter(dir, format, next), reader, waiting, corruptionReport);
    }

    @Override
    public void append(List<EventRecord> records) throws IOException {
        writer.write(records, waiting::add);
    }

    @Override
    public Optional<StoredEvent> next() throws IOException {
        while (!waiting.isEmpty()) {
            long seq = waiting.first();
            try {
                return Optional.of(reader.read(seq));
            } catch (CorruptEventException e) {
                waiting.remove(seq);
                report(reader, seq, e, corruptionReport);
            } catch (NoSuchFileException e) {
                waiting.remove(seq);
            }
        }
        return Optional.empty();
    }

    @Override
    public void remove(StoredEvent event) throws IOException {
        // No folder fsync: a deletion lost in a crash only means the event is delivered again (at-least-once).
        Files.deleteIfExists(reader.fileOf(event.seq()));
        waiting.remove(event.seq());
    }

    @Override
    public long depth() {
        return waiting.size();
    }

    @Override
    public boolean isEmpty() {
        return waiting.isEmpty();
    }

    private static void report(OutboxReader reader, long seq, CorruptEventException e, Consumer<String> report)
            throws IOException {
        Path moved = reader.quarantine(seq);
        report.accept("corrupt outbox file " + moved.getFileName() + " (" + e.getMessage() + ") moved to "
                + moved.getParent());
    }
}
