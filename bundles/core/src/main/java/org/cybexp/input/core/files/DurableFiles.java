package org.cybexp.input.core.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Crash-safe file writes: a file is either absent or complete and on disk, never half written. */
public final class DurableFiles {

    private DurableFiles() {
    }

    /** Writes the chunks to a temporary file beside {@code target}, fsyncs it, renames it atomically, fsyncs the folder. */
    public static void write(Path target, byte[]... chunks) throws IOException {
        Path tmp = writeTemporary(target, chunks);
        try {
            publish(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(target.getParent());
    }

    /** Writes and fsyncs {@code .<name>.tmp} beside the target; {@link #publish} makes it visible. */
    public static Path writeTemporary(Path target, byte[]... chunks) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (byte[] chunk : chunks) {
                ByteBuffer buffer = ByteBuffer.wrap(chunk);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    /** Renames a written temporary file to its target in one step (replacing any older file of that name). */
    public static void publish(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Moves a file into another folder of the same file system and makes both folders' entries durable. */
    public static void move(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        publish(source, target);
        syncDirectory(target.getParent());
        syncDirectory(source.getParent());
    }

    /** Makes a folder's entries (creations, renames, deletions) durable; a no-op where folders cannot be opened. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
            // Windows cannot open a folder as a channel; its renames are durable once the call returns
        }
    }
}
