package org.cybexp.input.source.upload;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import org.cybexp.input.core.files.DurableFiles;

/**
 * Puts an uploaded file into another input's folder (a {@code handoff_folders} typetag) crash-safely: the file
 * appears there whole, under {@code <receipt>-<name>}, or not at all. A reader of the folder never sees a part
 * of it: until its last step it is a dot file beside the target.
 */
final class HandoffFolder {

    private HandoffFolder() {
    }

    /** @param spooled the fsync'd spool file, moved (or copied, across file systems) away */
    static Path place(Path spooled, Path folder, String receipt, String name) throws IOException {
        Files.createDirectories(folder);
        Path target = folder.resolve(receipt + "-" + safe(name));
        Path tmp = folder.resolve("." + target.getFileName() + ".tmp");
        try {
            Files.move(spooled, tmp, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // another file system: copy, and make the copy durable before it is published
            Files.copy(spooled, tmp, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.delete(spooled);
        }
        try {
            DurableFiles.publish(tmp, target);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        DurableFiles.syncDirectory(folder);
        return target;
    }

    /** A name as one safe file name: no folders, no leading dot, nothing a shell or a reader trips on. */
    static String safe(String name) {
        String base = name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        while (base.startsWith(".")) {
            base = base.substring(1);
        }
        return base.isEmpty() ? "upload" : base.length() > 120 ? base.substring(base.length() - 120) : base;
    }
}
