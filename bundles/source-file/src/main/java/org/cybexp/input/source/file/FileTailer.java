package org.cybexp.input.source.file;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;

/**
 * The tail mode's loop: look at the files, read what is new from each (a bounded chunk per file per round, so
 * one busy file does not starve the others), post full batches, and commit the offsets with a checkpoint, which
 * stores the records before the state that says they were read. Waits for the next look only when no file had
 * more to read.
 */
final class FileTailer implements AutoCloseable {

    static final int READ_CHUNK = 1024 * 1024;
    /** A file gone from its path (rotated away, deleted) and read to its end is released after this long idle. */
    static final long RELEASE_AFTER_MILLIS = 5_000;
    /** logrotate writes a .gz in one go: one not changed for this long is complete. */
    static final long GZIP_SETTLE_MILLIS = 2_000;
    /** Records held in the context before a checkpoint stores them (memory stays flat). */
    static final long CHECKPOINT_BYTES = 4L * 1024 * 1024;
    static final long STATE_LOOK_MILLIS = 1_000;
    static final long STATUS_MILLIS = 1_000;
    static final int MAX_STATUS_FILES = 500;

    private final FileSettings settings;
    private final FetchContext ctx;
    private final FileCounters counters = new FileCounters();
    private final LineText text;
    private final byte[] buffer = new byte[READ_CHUNK];
    private final RecordBuilder.Poster poster;
    private FileIdentities identities;
    private long postedSinceCheckpoint;
    private boolean postedSinceStateLook;
    private String committedText = "";
    private long lastStateLook;
    private long lastStatus;

    FileTailer(FileSettings settings, FetchContext ctx) {
        this.settings = settings;
        this.ctx = ctx;
        this.text = new LineText(settings.encoding());
        this.poster = new RecordBuilder.Poster() {
            @Override
            public void post(byte[] body, int length, String mediaType) {
                ctx.emit(Event.of(Arrays.copyOf(body, length), mediaType));
                postedSinceCheckpoint += length;
                postedSinceStateLook = true;
            }

            @Override
            public void malformed(String reason, byte[] sample) {
                ctx.malformed(reason, sample);
            }
        };
    }

    void run() throws IOException, InterruptedException {
        Optional<List<TrackedFile>> restored = TrackedState.load(ctx.state());
        committedText = ctx.state().get(TrackedState.KEY).orElse("");
        identities = new FileIdentities(settings, counters, restored.orElse(List.of()), restored.isEmpty());
        ctx.progress("following " + settings.globs());
        while (!ctx.stopRequested()) {
            long now = ctx.clock().millis();
            identities.look(settings.globs().files(), now);
            boolean more = false;
            for (TrackedFile t : new ArrayList<>(identities.tracked())) {
                more |= read(t, now);
                if (postedSinceCheckpoint >= CHECKPOINT_BYTES) {
                    commit(now);
                }
            }
            for (TrackedFile t : identities.tracked()) {
                if (t.builder() != null) {
                    t.builder().tick(now);
                }
                release(t, now);
            }
            // while files have more, one fsync per CHECKPOINT_BYTES or per second; at once when all is read
            if ((postedSinceStateLook && !more) || now - lastStateLook >= STATE_LOOK_MILLIS) {
                commit(now);
            }
            if (now - lastStatus >= STATUS_MILLIS) {
                publish(now);
            }
            if (!more) {
                ctx.awaitStop(settings.poll());
            }
        }
        for (TrackedFile t : identities.tracked()) { // a graceful stop: complete lines are posted, not re-read
            if (t.builder() != null) {
                t.builder().flush();
            }
        }
        commit(ctx.clock().millis());
        publish(ctx.clock().millis());
    }

    /** Reads one chunk of a file; true if it may have more right now. */
    private boolean read(TrackedFile t, long now) {
        if (t.done || t.released || (t.gzip() && now - t.modifiedMillis < GZIP_SETTLE_MILLIS)) {
            return false;
        }
        if (t.handle() == null && (!t.attached() || (!t.gzip() && t.readOffset() >= t.size))) {
            return false;
        }
        if (t.builder() == null) {
            RecordBuilder builder = new RecordBuilder(settings, text, counters, poster, t.readOffset());
            t.reader(new LineSplitter(settings.maxLineBytes(), builder), builder);
        }
        try {
            if (t.handle() == null) {
                makeRoomForAHandle();
                t.handle(OpenFile.open(t.path(), t.gzip(), t.readOffset()));
                if (!t.stillAtPath()) {
                    t.closeHandleQuietly(); // rotated away since the look: the next look tells where it went
                    return false;
                }
            }
            int n = t.handle().read(buffer, t.readOffset());
            if (n > 0) {
                t.builder().now(now);
                t.splitter().feed(buffer, 0, n, t.readOffset());
                t.advance(n);
                t.lastDataMillis = now;
                return n == buffer.length;
            }
            if (t.gzip()) {
                finish(t);
                t.done = true;
            }
        } catch (IOException e) {
            t.closeHandleQuietly(); // vanished, or a .gz cut short: tried again from the same offset
        }
        return false;
    }

    /** A file whose path is gone and which was read to its end is released: its last line posted, its handle closed. */
    private void release(TrackedFile t, long now) {
        if (!t.attached() && !t.released && !t.done && now - t.lastDataMillis >= RELEASE_AFTER_MILLIS) {
            if (t.handle() != null) {
                read(t, now); // one last look for lines written just before it was rotated away
            }
            if (now - t.lastDataMillis >= RELEASE_AFTER_MILLIS) {
                finish(t);
                t.released = true;
                counters.released++;
            }
        }
    }

    private void finish(TrackedFile t) {
        if (t.splitter() != null) {
            t.builder().now(ctx.clock().millis());
            t.splitter().flush(t.readOffset());
            t.builder().flush();
        }
        t.closeHandleQuietly();
    }

    /** Keeps the open handles under max_open_files: closes the one idle the longest, sparing rotated-away ones. */
    private void makeRoomForAHandle() {
        List<TrackedFile> open = identities.tracked().stream().filter(t -> t.handle() != null).toList();
        if (open.size() < settings.maxOpenFiles()) {
            return;
        }
        TrackedFile victim = null;
        for (TrackedFile t : open) {
            boolean better = victim == null || (t.attached() && !victim.attached())
                    || (t.attached() == victim.attached() && t.lastDataMillis < victim.lastDataMillis);
            victim = better ? t : victim;
        }
        victim.closeHandleQuietly();
    }

    private void commit(long now) {
        lastStateLook = now;
        postedSinceStateLook = false;
        String state = TrackedState.text(identities.tracked());
        if (!state.equals(committedText)) {
            ctx.state().put(TrackedState.KEY, state);
            ctx.checkpoint();
            committedText = state;
            postedSinceCheckpoint = 0;
            for (TrackedFile t : identities.tracked()) {
                t.checkpointed();
            }
        }
    }

    private void publish(long now) {
        lastStatus = now;
        List<Map<String, Object>> files = new ArrayList<>();
        for (TrackedFile t : identities.tracked()) {
            if (files.size() < MAX_STATUS_FILES) {
                files.add(t.status(now));
            }
        }
        for (FileIdentities.Unsettled u : identities.unsettled().values()) {
            if (files.size() < MAX_STATUS_FILES) {
                files.add(Map.of("path", u.stat().path().toString(), "fingerprint", "", "offset", 0, "size",
                        u.stat().size(), "lag_bytes", u.stat().size(), "state", u.reason()));
            }
        }
        ctx.statusDetail("files", files);
        long open = identities.tracked().stream().filter(t -> t.handle() != null).count();
        ctx.statusDetail("counts", counters.asMap((int) open));
        long lag = 0;
        for (TrackedFile t : identities.tracked()) {
            lag += t.attached() && !t.gzip() ? Math.max(0, t.size - t.committed()) : 0;
        }
        ctx.progress(identities.tracked().stream().filter(TrackedFile::attached).count() + " files, "
                + counters.lines + " lines, lag " + lag + " bytes"
                + (identities.unsettled().isEmpty() ? "" : ", " + identities.unsettled().size() + " waiting"));
    }

    Duration poll() {
        return settings.poll();
    }

    @Override
    public void close() {
        if (identities != null) {
            for (TrackedFile t : identities.tracked()) {
                t.closeHandleQuietly();
            }
        }
    }
}
