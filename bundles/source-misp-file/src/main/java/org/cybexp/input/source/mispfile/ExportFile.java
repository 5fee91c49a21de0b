package org.cybexp.input.source.mispfile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.cybexp.input.source.misp.MispElement;
import org.cybexp.input.source.misp.MispEventStream;
import org.cybexp.input.source.misp.MispFormatException;

/**
 * Reads one export file: a restSearch download {@code {"response": [...]}}, an event list, a single event or a
 * bare event object. A first pass counts the elements and checks the whole document, so a malformed file (cut
 * short, not JSON, an HTML page) goes to {@code failed/} with nothing posted, and the progress has a total; the
 * second pass emits, skipping the elements a previous run stored already. Elements that cannot be posted (no
 * usable event, over max_event_bytes) send the file to {@code failed/} with their list once the others are
 * stored: {@code processed/} means every event of it was posted.
 */
final class ExportFile {

    private ExportFile() {
    }

    static Outcome read(DropFolder folder, DropFolder.Entry entry, FileRun run) throws IOException {
        String id = ResumePoint.id(entry);
        long skip = run.resume().done(id);
        int problemsBefore = skip == 0 ? 0 : run.resume().problems(id);
        long total;
        try (MispEventStream events = run.events(folder.open(entry))) {
            total = events.count();
        } catch (MispFormatException e) {
            return Outcome.failed(e.getMessage());
        }
        long done = 0;
        List<String> problems = new ArrayList<>();
        try (MispEventStream events = run.events(folder.open(entry))) {
            while (done < skip && events.skip()) {
                done++;
            }
            MispElement element;
            while ((element = events.next()) != null) {
                String place = "element " + (done + 1);
                String problem = run.emit(element, entry.shown() + " " + place);
                if (problem != null) {
                    problems.add(total == 1 ? problem : place + ": " + problem);
                }
                done++;
                if (run.advance(id, done, total, problemsBefore + problems.size(), entry.shown())) {
                    return Outcome.STOPPED;
                }
            }
        } catch (MispFormatException e) {
            // Changed since the first pass: what was read is kept, the file is set aside.
            return Outcome.failed(e.getMessage() + " (after " + done + " of " + total + " elements were read)");
        }
        run.finish(id, done, problemsBefore + problems.size());
        if (problemsBefore + problems.size() == 0) {
            return Outcome.DONE;
        }
        if (total == 1 && problems.size() == 1) {
            return Outcome.failed(problems.get(0) + ": nothing posted");
        }
        return Outcome.failed(Outcome.describe(problems, problemsBefore, total, "a file of " + total + " elements"));
    }
}
