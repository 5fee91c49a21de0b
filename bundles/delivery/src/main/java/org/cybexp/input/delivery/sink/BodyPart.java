package org.cybexp.input.delivery.sink;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.hc.client5.http.entity.mime.ByteArrayBody;
import org.apache.hc.client5.http.entity.mime.ContentBody;
import org.apache.hc.client5.http.entity.mime.FileBody;
import org.apache.hc.core5.http.ContentType;

import org.cybexp.input.core.files.DurableFiles;
import org.cybexp.input.delivery.store.StoredEvent;

/**
 * An event's body as the sinks hand it over: from memory, or streamed from its blob file (never loaded; the
 * multipart part has the file's length, so the post has a Content-Length).
 */
final class BodyPart {

    private BodyPart() {
    }

    /** The {@code file} part of {@code /raw}. */
    static ContentBody of(StoredEvent event, ContentType type) {
        if (event.record().inFile()) {
            return new FileBody(event.record().file().toFile(), type, "file");
        }
        return new ByteArrayBody(event.body(), type, "file");
    }

    /** Writes the body to {@code target} durably (a temporary file forced to disk, then renamed). */
    static void write(StoredEvent event, Path target) throws IOException {
        if (!event.record().inFile()) {
            DurableFiles.write(target, event.body());
            return;
        }
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            try (FileOutputStream file = new FileOutputStream(tmp.toFile());
                    OutputStream out = new BufferedOutputStream(file, 64 * 1024);
                    InputStream in = event.record().openBody()) {
                in.transferTo(out);
                out.flush();
                file.getFD().sync();
            }
            DurableFiles.publish(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        DurableFiles.syncDirectory(target.getParent());
    }
}
