package org.cybexp.input.source.mispfile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.StopRequestedException;

/**
 * One configured MISP files input. Each look at the directory reads the entries that are ready, one at a time
 * and by name, emits their events deduplicated on (uuid, timestamp), and moves each entry out of the way only
 * after its events are stored: to {@code processed/} when read through, to {@code failed/} when unreadable.
 * A stop inside an entry leaves it in place with its resume point committed; the next look resumes there.
 */
final class MispFileInput implements SourceInput {

    private final Path directory;
    private final Duration minAge;
    private final int checkpointEvery;

    MispFileInput(Path directory, Duration minAge, int checkpointEvery) {
        this.directory = directory;
        this.minAge = minAge;
        this.checkpointEvery = checkpointEvery;
    }

    @Override
    public void fetch(FetchContext ctx) throws IOException, SourceException {
        DropFolder folder = DropFolder.open(directory);
        List<DropFolder.Entry> ready = folder.ready(ctx.clock().instant(), minAge);
        FileRun run = new FileRun(ctx, checkpointEvery);
        Tally tally = new Tally();
        for (DropFolder.Entry entry : ready) {
            if (ctx.stopRequested()) {
                break;
            }
            Outcome outcome;
            try {
                outcome = entry.kind() == DropFolder.Kind.FEED ? FeedDirectory.read(folder, entry, run)
                        : ExportFile.read(folder, entry, run);
            } catch (IOException e) {
                if (ctx.stopNow()) {
                    throw new StopRequestedException(); // a read cut by the stop, not an unreadable entry
                }
                // Unreadable for now (permissions, a disk error): left in place, the others still read.
                tally.errors.add(entry.name() + ": " + describe(e));
                continue;
            }
            if (outcome.stopped()) {
                tally.stoppedAt = run.position();
                break;
            }
            ctx.checkpoint(); // the entry's events are stored before it leaves the directory
            if (outcome.failed()) {
                folder.failed(entry, outcome.failure(), ctx.clock().instant());
                tally.failed++;
            } else {
                folder.finished(entry);
                tally.processed++;
            }
            run.resume().clear();
        }
        ctx.progress(tally.summary(run, folder.skipped()));
        if (!tally.errors.isEmpty()) {
            throw new IOException("could not read " + String.join("; ", tally.errors));
        }
    }

    private static String describe(IOException e) {
        return e instanceof RefusedFileException || e.getMessage() == null
                ? String.valueOf(e.getMessage()) : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public String toString() {
        return "MispFileInput[" + directory + "]";
    }

    /** Counts of one look, for the status line. */
    private static final class Tally {
        int processed;
        int failed;
        final List<String> errors = new ArrayList<>();
        String stoppedAt;

        String summary(FileRun run, DropFolder.Skipped skipped) {
            StringBuilder text = new StringBuilder();
            if (processed + failed + errors.size() == 0) {
                text.append(stoppedAt == null ? "nothing to read" : "stopped in " + stoppedAt + ", resumes there");
                stoppedAt = null;
            } else {
                text.append(processed).append(" processed, ").append(failed).append(" failed");
                if (!errors.isEmpty()) {
                    text.append(", ").append(errors.size()).append(" unreadable");
                }
                text.append(": ").append(run.events).append(" events, ").append(run.fresh).append(" new");
                if (run.malformed > 0) {
                    text.append(", ").append(run.malformed).append(" malformed");
                }
                if (run.repaired > 0) {
                    text.append(", ").append(run.repaired).append(" with invalid UTF-8 replaced");
                }
            }
            if (stoppedAt != null) {
                text.append("; stopped in ").append(stoppedAt).append(", resumes there");
            }
            if (skipped.young() > 0) {
                text.append("; ").append(skipped.young()).append(" still changing, read later");
            }
            if (skipped.links() > 0) {
                text.append("; ").append(skipped.links()).append(" symbolic links ignored");
            }
            return text.toString();
        }
    }
}
