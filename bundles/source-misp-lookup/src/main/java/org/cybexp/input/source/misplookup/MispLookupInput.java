package org.cybexp.input.source.misplookup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;

/**
 * One configured lookup input. Each fetch reads the files ready in its folder, one at a time by name, and asks
 * MISP about each value, {@code max_concurrent} values in flight. The events of the values answered are stored
 * with the position after them (state {@code misp.lookup.resume = <file id> <next value>}) in one checkpoint,
 * so a crash or a stop resumes at the first value whose answer is not stored. A finished file moves to
 * {@code processed/}; an unreadable one to {@code failed/}.
 */
final class MispLookupInput implements SourceInput {

    static final String RESUME = "misp.lookup.resume";

    private final Path directory;
    private final Duration minAge;
    private final long maxFileBytes;
    private final String csvColumn;
    private final int concurrency;
    private final int checkpointEvery;
    private final AttributeSearch search;
    private final LookupCache cache;
    private final String name;

    MispLookupInput(String name, Path directory, Duration minAge, long maxFileBytes, String csvColumn,
            int concurrency, int checkpointEvery, AttributeSearch search, LookupCache cache) {
        this.name = name;
        this.directory = directory;
        this.minAge = minAge;
        this.maxFileBytes = maxFileBytes;
        this.csvColumn = csvColumn;
        this.concurrency = concurrency;
        this.checkpointEvery = checkpointEvery;
        this.search = search;
        this.cache = cache;
    }

    @Override
    public void fetch(FetchContext ctx) throws Exception {
        LookupFolder folder = LookupFolder.open(directory);
        Tally tally = new Tally();
        List<String> failed = new ArrayList<>();
        ExecutorService lookups = Executors.newFixedThreadPool(concurrency, threads());
        try {
            for (LookupFolder.Entry entry : folder.ready(ctx.clock().instant(), minAge)) {
                if (ctx.stopRequested()) {
                    break;
                }
                lookUpFile(ctx, folder, entry, lookups, tally, failed);
            }
        } finally {
            lookups.shutdownNow();
        }
        ctx.progress(tally.summary());
        if (!failed.isEmpty()) {
            throw new SourceException("moved to failed/ (see its .reason files): " + String.join("; ", failed));
        }
    }

    private void lookUpFile(FetchContext ctx, LookupFolder folder, LookupFolder.Entry entry,
            ExecutorService lookups, Tally tally, List<String> failed) throws Exception {
        List<LookupValue> values;
        try (InputStream in = folder.open(entry)) {
            values = ValueFile.read(entry.name(), in, maxFileBytes, csvColumn);
        } catch (ValueFile.UnreadableException e) {
            folder.failed(entry, e.getMessage(), ctx.clock().instant());
            failed.add(entry.shown() + " (" + e.getMessage() + ")");
            return;
        }
        String id = entry.id();
        int next = resumeAt(ctx, id, values.size());
        boolean done = new FileLookups(ctx, entry.shown(), id, values, lookups, tally).run(next);
        if (!done) {
            return; // stopped: resumes at the committed position in the next fetch
        }
        folder.finished(entry);
        ctx.state().remove(RESUME);
        ctx.checkpoint();
        tally.processed++;
    }

    /**
     * The lookups of one file: up to {@code max_concurrent} values in flight, their answers posted in file
     * order, and every {@code checkpoint_every} values (and at the end, a stop or a failure) the events so far
     * stored with the position after them. A failed lookup stores what came before it, commits its position and
     * fails the fetch: the next one asks again there. A value repeated while its first answer is not committed
     * is not asked again (its events come with the first one).
     */
    private final class FileLookups {
        private final FetchContext ctx;
        private final String shown;
        private final String id;
        private final List<LookupValue> values;
        private final ExecutorService lookups;
        private final Tally tally;
        /** The lookups in flight, in file order; empty where the value needs no lookup. */
        private final Deque<Optional<Future<AttributeSearch.Answer>>> window = new ArrayDeque<>();
        private final Set<String> inFlight = new HashSet<>();
        private final Set<String> uncommitted = new HashSet<>();

        FileLookups(FetchContext ctx, String shown, String id, List<LookupValue> values, ExecutorService lookups,
                Tally tally) {
            this.ctx = ctx;
            this.shown = shown;
            this.id = id;
            this.values = values;
            this.lookups = lookups;
            this.tally = tally;
        }

        /** @return true when every value was answered and committed, false after a stop */
        boolean run(int first) throws Exception {
            int next = first;
            int submitted = first;
            int sinceCommit = 0;
            try {
                while (next < values.size()) {
                    while (submitted < values.size() && window.size() < concurrency) {
                        window.addLast(submit(values.get(submitted++)));
                    }
                    take(values.get(next), window.removeFirst());
                    next++;
                    if (++sinceCommit >= checkpointEvery || next == values.size() || ctx.stopRequested()) {
                        commit(next);
                        sinceCommit = 0;
                        if (ctx.stopRequested() && next < values.size()) {
                            return false;
                        }
                    }
                }
                return true;
            } catch (Exception | Error e) {
                try {
                    commit(next); // what was answered before the failure is kept
                } catch (RuntimeException notStored) {
                    e.addSuppressed(notStored);
                }
                throw e;
            } finally {
                window.forEach(f -> f.ifPresent(lookup -> lookup.cancel(true)));
            }
        }

        private Optional<Future<AttributeSearch.Answer>> submit(LookupValue value) {
            String key = value.key();
            if (inFlight.contains(key) || uncommitted.contains(key) || cache.fresh(key, ctx.clock().instant())) {
                return Optional.empty();
            }
            inFlight.add(key);
            return Optional.of(lookups.submit(() -> search.lookUp(ctx, value)));
        }

        private void take(LookupValue value, Optional<Future<AttributeSearch.Answer>> pending) throws Exception {
            if (pending.isEmpty()) {
                tally.cached++;
                return;
            }
            inFlight.remove(value.key());
            if (MispLookupInput.this.take(ctx, value, pending.get(), tally)) {
                uncommitted.add(value.key());
            }
        }

        /** Stores the events so far with the position after them; then their values count as answered. */
        private void commit(int position) {
            ctx.state().put(RESUME, id + " " + position);
            ctx.checkpoint();
            uncommitted.forEach(key -> cache.answered(key, ctx.clock().instant()));
            uncommitted.clear();
            ctx.progress(shown + ": " + position + "/" + values.size() + " values, " + tally.counts());
        }
    }

    /** Posts one value's answer; false when MISP refused the value (counted, not cached). */
    private boolean take(FetchContext ctx, LookupValue value, Future<AttributeSearch.Answer> pending, Tally tally)
            throws Exception {
        AttributeSearch.Answer answer;
        try {
            answer = pending.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AttributeSearch.RefusedValueException refused) {
                tally.refused++;
                ctx.malformed(refused.getMessage() + " for a value", value.value().getBytes(StandardCharsets.UTF_8));
                return false;
            }
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        if (answer.events().isEmpty()) {
            tally.missed++;
        } else {
            tally.hits++;
            for (Event event : answer.events()) {
                if (!ctx.seen(event.dedupKeys().get(0))) {
                    tally.fresh++;
                }
                ctx.emit(event);
            }
        }
        return true;
    }

    /** Where a restart resumes in this file: after the last stored batch, or at its start. */
    private static int resumeAt(FetchContext ctx, String id, int size) {
        Optional<String> saved = ctx.state().get(RESUME);
        if (saved.isEmpty()) {
            return 0;
        }
        String[] parts = saved.get().strip().split(" ");
        if (parts.length != 2 || !parts[0].equals(id)) {
            return 0;
        }
        try {
            return Math.min(size, Math.max(0, Integer.parseInt(parts[1])));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private ThreadFactory threads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "misp-lookup-" + name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        return "MispLookupInput[" + directory + "]";
    }

    /** Counts of one fetch, for the status line. */
    private static final class Tally {
        int processed;
        int hits;
        int missed;
        int cached;
        int refused;
        int fresh;

        String counts() {
            return hits + " with a hit, " + missed + " without, " + cached + " cached"
                    + (refused == 0 ? "" : ", " + refused + " refused by MISP") + ", " + fresh + " new events";
        }

        String summary() {
            return processed + (processed == 1 ? " file" : " files") + " done: " + counts();
        }
    }
}
