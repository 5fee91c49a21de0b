package org.cybexp.input.source.misplookup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * MISP about each value, {@code max_concurrent} values at a time. The events of a batch are stored with the
 * position after it (state {@code misp.lookup.resume = <file id> <next value>}) in one checkpoint, so a crash
 * or a stop resumes at the first value whose answer is not stored. A finished file moves to
 * {@code processed/}; an unreadable one to {@code failed/}.
 */
final class MispLookupInput implements SourceInput {

    static final String RESUME = "misp.lookup.resume";

    private final Path directory;
    private final Duration minAge;
    private final long maxFileBytes;
    private final String csvColumn;
    private final int concurrency;
    private final AttributeSearch search;
    private final LookupCache cache;
    private final String name;

    MispLookupInput(String name, Path directory, Duration minAge, long maxFileBytes, String csvColumn,
            int concurrency, AttributeSearch search, LookupCache cache) {
        this.name = name;
        this.directory = directory;
        this.minAge = minAge;
        this.maxFileBytes = maxFileBytes;
        this.csvColumn = csvColumn;
        this.concurrency = concurrency;
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
        while (next < values.size()) {
            int end = Math.min(values.size(), next + concurrency);
            next = lookUpBatch(ctx, id, values.subList(next, end), next, lookups, tally);
            ctx.progress(entry.shown() + ": " + next + "/" + values.size() + " values, " + tally.counts());
            if (ctx.stopRequested()) {
                return; // resumes at 'next' in the next fetch
            }
        }
        folder.finished(entry);
        ctx.state().remove(RESUME);
        ctx.checkpoint();
        tally.processed++;
    }

    /**
     * Asks MISP about a batch at once and posts the answers in file order. A failed lookup stores the answers
     * before it, commits the position of the failed value and fails the fetch: the next one asks again there.
     *
     * @return the position after the batch
     */
    private int lookUpBatch(FetchContext ctx, String id, List<LookupValue> batch, int first,
            ExecutorService lookups, Tally tally) throws Exception {
        List<Future<AttributeSearch.Answer>> answers = new ArrayList<>(batch.size());
        for (LookupValue value : batch) {
            answers.add(cache.fresh(value.key(), ctx.clock().instant()) ? null
                    : lookups.submit(() -> search.lookUp(ctx, value)));
        }
        List<String> answered = new ArrayList<>();
        int position = first;
        try {
            for (int i = 0; i < batch.size(); i++) {
                take(ctx, batch.get(i), answers.get(i), tally, answered);
                position++;
            }
        } finally {
            answers.stream().filter(f -> f != null && !f.isDone()).forEach(f -> f.cancel(true));
            ctx.state().put(RESUME, id + " " + position);
            ctx.checkpoint();
            answered.forEach(key -> cache.answered(key, ctx.clock().instant()));
        }
        return position;
    }

    private void take(FetchContext ctx, LookupValue value, Future<AttributeSearch.Answer> pending, Tally tally,
            List<String> answered) throws Exception {
        if (pending == null) {
            tally.cached++;
            return;
        }
        AttributeSearch.Answer answer;
        try {
            answer = pending.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AttributeSearch.RefusedValueException refused) {
                tally.refused++;
                ctx.malformed(refused.getMessage() + " for a value", value.value().getBytes(StandardCharsets.UTF_8));
                return;
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
        answered.add(value.key());
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
