package org.cybexp.input.source.mispfile;

import java.io.IOException;
import java.io.InputStream;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.source.misp.MispElement;
import org.cybexp.input.source.misp.MispEvent;
import org.cybexp.input.source.misp.MispEventStream;

/**
 * One look at the directory: emits the events read, checkpoints every few elements together with the resume
 * point, and counts what it saw for the status line.
 */
final class FileRun {

    private final FetchContext ctx;
    private final ResumePoint resume;
    private final int checkpointEvery;
    private final long maxEventBytes;

    private String position = "";
    int events;
    int fresh;
    int malformed;
    int tooLarge;
    int repaired;

    FileRun(FetchContext ctx, int checkpointEvery, long maxEventBytes) {
        this.ctx = ctx;
        this.resume = new ResumePoint(ctx.state());
        this.checkpointEvery = checkpointEvery;
        this.maxEventBytes = maxEventBytes;
    }

    /** The events of a document, each at most max_event_bytes. */
    MispEventStream events(InputStream document) throws IOException {
        return MispEventStream.open(document, maxEventBytes);
    }

    ResumePoint resume() {
        return resume;
    }

    /**
     * Emits an event (dropped by the container if this version was posted before) or reports an element that
     * cannot be posted.
     *
     * @param where the element, for the log: {@code download.json element 7}
     * @return null if posted, else why not, for the entry's {@code .reason}
     */
    String emit(MispElement element, String where) {
        if (element instanceof MispEvent event) {
            events++;
            if (event.repaired()) {
                repaired++;
            }
            if (!ctx.seen(event.dedupKey())) {
                fresh++;
            }
            ctx.emit(event.toEvent());
            return null;
        }
        String reason;
        byte[] sample;
        if (element instanceof MispElement.TooLarge large) {
            tooLarge++;
            reason = large.reason();
            sample = large.sample();
        } else {
            MispElement.Malformed bad = (MispElement.Malformed) element;
            reason = bad.reason();
            sample = bad.sample();
        }
        malformed(where + ": " + reason, sample);
        return reason;
    }

    void malformed(String reason, byte[] sample) {
        malformed++;
        ctx.malformed(reason, sample);
    }

    /**
     * After an element: every {@code checkpointEvery} elements, stores the events so far with the resume
     * point and shows the progress.
     *
     * @return true if a stop was requested: the caller returns, and the next run resumes here
     */
    boolean advance(String id, long done, long total, int problems, String name) {
        if (done % checkpointEvery != 0) {
            return false;
        }
        resume.stage(id, done, problems);
        ctx.checkpoint();
        position = name + " at " + done + "/" + total;
        ctx.progress(name + ": " + done + "/" + total + " events");
        return ctx.stopRequested();
    }

    /** Where the last checkpoint inside an entry stood, e.g. {@code big.json at 6/10}. */
    String position() {
        return position;
    }

    /** The entry is read through: a restart before it leaves the directory skips all of it. */
    void finish(String id, long done, int problems) {
        resume.stage(id, done, problems);
    }
}
