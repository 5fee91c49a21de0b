package org.cybexp.input.source.file;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.SourceInput;

/**
 * One configured file input: a streaming input that follows its files (or posts a drop folder's files once)
 * until it is stopped. It never sleeps nor retries: between looks it waits on the context's stop, and an error it
 * cannot handle ends the call, after which the container calls it again with backoff.
 */
final class FileInput implements SourceInput {

    private final FileSettings settings;

    FileInput(FileSettings settings) {
        this.settings = settings;
    }

    @Override
    public Mode mode() {
        return Mode.STREAMING;
    }

    @Override
    public void fetch(FetchContext ctx) throws Exception {
        if (settings.mode() == FilePlugin.Mode.WHOLE) {
            new WholeFiles(settings, ctx).run();
        } else {
            try (FileTailer tailer = new FileTailer(settings, ctx)) {
                tailer.run();
            }
        }
    }

    FileSettings settings() {
        return settings;
    }
}
