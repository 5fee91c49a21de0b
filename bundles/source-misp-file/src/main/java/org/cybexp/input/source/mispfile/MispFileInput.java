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
    private final long maxEventBytes;

    MispFileInput(Path directory, Duration minAge, int checkpointEvery, long maxEventBytes) {
        this.directory = directory;
        this.minAge = minAge;
        this.checkpointEvery = checkpointEvery;
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    public void fetch(FetchContext ctx) throws IOException, SourceException {
        DropFolder folder = DropFolder.open(directory);
        List<DropFolder.Entry> ready = folder.ready(ctx.clock().instant(), minAge);
        FileRun run = new FileRun(ctx, checkpointEvery, maxEventBytes);
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
                tally.errors.add(entry.shown() + ": " + describe(e));
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
                tally.failures.add(entry.shown() + " (" + firstLine(outcome.failure()) + ")");
            } else {
                folder.finished(entry);
                tally.processed++;
            }
            run.resume().clear();
        }
        ctx.progress(tally.summary(run, folder.skipped()));
        ctx.checkpoint(); // the cleared resume point, before the call fails below
        if (!tally.errors.isEmpty()) {
            throw new IOException("could not read " + String.join("; ", tally.errors)
                    + (tally.failures.isEmpty() ? "" : "; " + tally.failedMessage()));
        }
        if (!tally.failures.isEmpty()) {
            // The look is done, but an operator must see it: the container logs a failed call and shows it.
            throw new SourceException(tally.failedMessage());
        }
    }

    /** A reason on one line: its first line and, for a list of problems, the first of them. */
    private static String firstLine(String text) {
        String[] lines = text.split("\n", 3);
        String line = lines.length > 1 && lines[0].endsWith(":") ? lines[0] + " " + lines[1].replaceFirst("^\\s*- ", "")
                : lines[0];
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
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
        /** Entries moved to failed/ in this look, with the first line of their reason. */
        final List<String> failures = new ArrayList<>();
        String stoppedAt;

        String failedMessage() {
            return "moved to failed/ (see its .reason files): " + String.join("; ", failures);
        }

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
                if (run.tooLarge > 0) {
                    text.append(" (").append(run.tooLarge).append(" over max_event_bytes)");
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
