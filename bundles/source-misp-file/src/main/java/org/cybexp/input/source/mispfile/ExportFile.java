package org.cybexp.input.source.mispfile;

import java.io.IOException;

import org.cybexp.input.source.misp.MispElement;
import org.cybexp.input.source.misp.MispEventStream;
import org.cybexp.input.source.misp.MispFormatException;

/**
 * Reads one export file: a restSearch download {@code {"response": [...]}}, an event list, or a single event.
 * A first pass counts the elements and checks the whole document, so a malformed file (cut short, not JSON, an
 * HTML page) goes to {@code failed/} with nothing posted, and the progress has a total; the second pass emits,
 * skipping the elements a previous run stored already.
 */
final class ExportFile {

    private ExportFile() {
    }

    static Outcome read(DropFolder folder, DropFolder.Entry entry, FileRun run) throws IOException {
        String id = ResumePoint.id(entry);
        long skip = run.resume().done(id);
        long total;
        try (MispEventStream events = MispEventStream.open(folder.open(entry))) {
            total = events.count();
        } catch (MispFormatException e) {
            return Outcome.failed(e.getMessage());
        }
        long done = 0;
        try (MispEventStream events = MispEventStream.open(folder.open(entry))) {
            while (done < skip && events.skip()) {
                done++;
            }
            MispElement element;
            while ((element = events.next()) != null) {
                run.emit(element, entry.name() + " element " + (done + 1));
                done++;
                if (run.advance(id, done, total, 0, entry.name())) {
                    return Outcome.STOPPED;
                }
            }
        } catch (MispFormatException e) {
            // Changed since the first pass: what was read is kept, the file is set aside.
            return Outcome.failed(e.getMessage() + " (after " + done + " of " + total + " elements were read)");
        }
        run.finish(id, done, 0);
        return Outcome.DONE;
    }
}
