package org.cybexp.input.source.mispfile;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.cybexp.input.source.misp.MispElement;
import org.cybexp.input.source.misp.MispEventStream;
import org.cybexp.input.source.misp.MispFormatException;

/**
 * Reads one feed folder: the events of {@code manifest.json}, one {@code <uuid>.json} each, in manifest order.
 * {@code hashes.csv} (md5 of attribute values, for MISP's correlation) is not needed and never read. A missing,
 * linked or malformed event file is reported and skipped; the feed's other events are posted and the folder goes
 * to {@code failed/} with the list of problems, so that after a fix only the missing events are posted.
 */
final class FeedDirectory {

    private FeedDirectory() {
    }

    static Outcome read(DropFolder folder, DropFolder.Entry entry, FileRun run) throws IOException {
        try (FeedFiles files = folder.feedFiles(entry)) {
            Manifest manifest;
            try (InputStream in = files.open(DropFolder.MANIFEST)) {
                manifest = Manifest.read(in);
            } catch (MispFormatException | RefusedFileException e) {
                return Outcome.failed(e.getMessage());
            }
            return readEvents(files, manifest, entry, run);
        }
    }

    private static Outcome readEvents(FeedFiles files, Manifest manifest, DropFolder.Entry entry, FileRun run)
            throws IOException {
        String id = ResumePoint.id(entry);
        long skip = run.resume().done(id);
        int problemsBefore = skip == 0 ? 0 : run.resume().problems(id);
        List<String> problems = new ArrayList<>();
        if (skip == 0) {
            for (String problem : manifest.problems()) {
                problems.add(problem);
                run.malformed(entry.shown() + "/" + problem, new byte[0]);
            }
        }
        List<String> uuids = manifest.uuids();
        for (int i = (int) Math.min(skip, uuids.size()); i < uuids.size(); i++) {
            String file = uuids.get(i) + ".json";
            try (MispEventStream events = run.events(files.open(file))) {
                MispElement element;
                while ((element = events.next()) != null) {
                    String problem = run.emit(element, entry.shown() + "/" + file);
                    if (problem != null) {
                        problems.add(file + ": " + problem);
                    }
                }
            } catch (RefusedFileException e) {
                problems.add(e.getMessage());
                run.malformed(entry.shown() + "/" + e.getMessage(), new byte[0]);
            } catch (MispFormatException e) {
                problems.add(file + ": " + e.getMessage());
                run.malformed(entry.shown() + "/" + file + ": " + e.getMessage(), new byte[0]);
            }
            if (run.advance(id, i + 1, uuids.size(), problemsBefore + problems.size(), entry.shown())) {
                return Outcome.STOPPED;
            }
        }
        run.finish(id, uuids.size(), problemsBefore + problems.size());
        if (problemsBefore + problems.size() == 0) {
            return Outcome.DONE;
        }
        return Outcome.failed(Outcome.describe(problems, problemsBefore, uuids.size(),
                "a feed of " + uuids.size() + " events"));
    }
}
