package org.cybexp.input.delivery.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/** Writes events into an outbox folder, one file per event named by its 20-digit sequence number. */
final class OutboxWriter {

    private final Path dir;
    private final EventFile format;
    private long nextSeq;

    OutboxWriter(Path dir, EventFile format, long firstSeq) {
        this.dir = dir;
        this.format = format;
        this.nextSeq = firstSeq;
    }

    /**
     * Writes and fsyncs every record to a temporary file first, then renames them all and fsyncs the folder, so a
     * full disk fails the whole batch before any of it is visible.
     *
     * @param published called with each sequence number once its file is visible
     */
    synchronized void write(List<EventRecord> records, LongConsumer published) throws IOException {
        List<Path> temporaries = new ArrayList<>(records.size());
        try {
            long seq = nextSeq;
            for (EventRecord record : records) {
                temporaries.add(DurableFiles.writeTemporary(fileOf(seq++), format.encode(record)));
            }
            for (Path tmp : temporaries) {
                DurableFiles.publish(tmp, fileOf(nextSeq));
                published.accept(nextSeq++);
            }
            DurableFiles.syncDirectory(dir);
        } finally {
            for (Path tmp : temporaries) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    Path fileOf(long seq) {
        return dir.resolve(String.format("%020d", seq));
    }
}
