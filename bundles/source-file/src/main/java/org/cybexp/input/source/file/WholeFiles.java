package org.cybexp.input.source.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;

/**
 * The whole mode: each file of a drop folder, once it is left unchanged for {@code min_age}, is posted as one
 * record, once. A file is known by the fingerprint of its first bytes (all of them for a short one) and its
 * inode, so a file moved within the folder is not posted again, and new content is.
 */
final class WholeFiles {

    /** A record is one file: a larger one is skipped and counted as malformed. */
    static final long MAX_WHOLE_BYTES = 64L * 1024 * 1024;

    private final FileSettings settings;
    private final FetchContext ctx;
    private final List<TrackedFile> posted = new ArrayList<>();
    private final FileCounters counters = new FileCounters();

    WholeFiles(FileSettings settings, FetchContext ctx) {
        this.settings = settings;
        this.ctx = ctx;
    }

    void run() throws IOException, InterruptedException {
        posted.addAll(TrackedState.load(ctx.state()).orElse(List.of()));
        ctx.progress("watching " + settings.globs());
        while (!ctx.stopRequested()) {
            long now = ctx.clock().millis();
            boolean changed = false;
            List<Map<String, Object>> waiting = new ArrayList<>();
            for (Path path : settings.globs().files()) {
                Optional<FileStat> stat = FileStat.of(path);
                if (stat.isEmpty()) {
                    continue;
                }
                FileStat s = stat.get();
                if (now - s.modifiedMillis() < settings.minAge().toMillis()) {
                    waiting.add(Map.of("path", path.toString(), "size", s.size(), "state", "waiting: changed "
                            + "less than min_age ago"));
                    continue;
                }
                changed |= postOnce(s, now);
            }
            changed |= forgetOld(now);
            if (changed) {
                ctx.state().put(TrackedState.KEY, TrackedState.text(posted));
                ctx.checkpoint();
            }
            ctx.statusDetail("files", waiting);
            ctx.statusDetail("counts", counters.asMap(0));
            ctx.progress(counters.records + " files posted" + (waiting.isEmpty() ? "" : ", " + waiting.size()
                    + " waiting"));
            ctx.awaitStop(settings.poll());
        }
    }

    private boolean postOnce(FileStat s, long now) throws IOException {
        Optional<String> fingerprint = Fingerprint.ofWhole(s, settings.fingerprintBytes());
        if (fingerprint.isEmpty()) {
            return false;
        }
        for (TrackedFile t : posted) {
            if (t.fingerprint.equals(fingerprint.get())) {
                boolean moved = !t.sameInode(s) || !s.path().equals(t.path());
                t.attach(s);
                t.lastSeenMillis = now;
                return moved;
            }
        }
        TrackedFile t = new TrackedFile(fingerprint.get(), s, s.size(), now);
        t.done = true;
        if (s.size() > MAX_WHOLE_BYTES) {
            counters.malformed++;
            ctx.malformed("a file is larger than " + MAX_WHOLE_BYTES + " bytes: " + s.path(), new byte[0]);
        } else {
            byte[] body = Files.readAllBytes(s.path());
            if (!s.stillAtPath()) {
                return false; // another file took the path since the look: that one is not this one's body
            }
            ctx.emit(Event.of(body, RecordBuilder.TEXT));
            counters.records++;
            counters.bytes += body.length;
        }
        posted.add(t);
        return true;
    }

    private boolean forgetOld(long now) {
        return posted.removeIf(t -> now - t.lastSeenMillis > settings.cleanAfter().toMillis());
    }
}
