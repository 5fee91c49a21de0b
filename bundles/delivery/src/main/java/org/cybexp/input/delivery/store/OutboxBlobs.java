package org.cybexp.input.delivery.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;

import org.cybexp.input.core.files.DurableFiles;

/**
 * The large bodies of an outbox, one file each ({@code blobs/<uuid>.blob}), referenced by their segment records.
 * A blob is made durable before the record that names it is written, so a crash leaves at worst a blob no record
 * names, which the next opening deletes; never a record naming a missing or partial blob.
 */
final class OutboxBlobs {

    static final String SUFFIX = ".blob";

    final Path dir;

    OutboxBlobs(Path dir) {
        this.dir = dir;
    }

    /**
     * Takes a file into the blob folder: renamed when it is on the same file system, else copied (the copy
     * forced to disk before it gets its name) and the original deleted. Returns once the blob and its folder
     * entry are on disk.
     */
    Path adopt(Path source) throws IOException {
        Files.createDirectories(dir);
        String name = UUID.randomUUID() + SUFFIX;
        Path target = dir.resolve(name);
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            force(target); // the plugin should have; a rename does not make its bytes durable
        } catch (AtomicMoveNotSupportedException e) {
            Path tmp = dir.resolve(name + ".tmp");
            try {
                Files.copy(source, tmp);
                force(tmp);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            Files.delete(source);
        }
        DurableFiles.syncDirectory(dir);
        return target;
    }

    /** Gives a blob back to where it came from, after an append that failed (best effort). */
    void giveBack(Path blob, Path original) {
        try {
            Files.move(blob, original, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.copy(blob, original);
                Files.deleteIfExists(blob);
            } catch (IOException again) {
                // the next opening deletes the blob no record names
            }
        }
    }

    /** Deletes a delivered event's blob; a crash before it leaves a blob the next opening deletes. */
    void delete(Path blob) throws IOException {
        Files.deleteIfExists(blob);
    }

    /** Deletes every file of the folder except the named blobs (leftovers of crashes and failed appends). */
    void keepOnly(Set<String> names) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (!names.contains(file.getFileName().toString())) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }
}
