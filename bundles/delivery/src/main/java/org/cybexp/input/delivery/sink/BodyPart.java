package org.cybexp.input.delivery.sink;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cybexp.input.core.files.DurableFiles;
import org.cybexp.input.delivery.store.StoredEvent;

/** An event's body written to a file by a sink: from memory, or streamed from its blob file (never loaded). */
final class BodyPart {

    private BodyPart() {
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
