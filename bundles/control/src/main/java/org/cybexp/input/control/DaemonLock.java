package org.cybexp.input.control;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An exclusive lock on {@code data/daemon.lock}, held for the life of the daemon, so that a second daemon on the
 * same home refuses to start. The OS releases it when the process dies, so a crash never leaves it stale.
 */
final class DaemonLock implements AutoCloseable {

    static final String FILE_NAME = "daemon.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DaemonLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** How long to keep trying: a CLI that probes whether a daemon runs holds the lock for an instant. */
    private static final long PROBE_GRACE_MS = 1_000;

    /** @return the lock, or empty if another daemon (or another holder in this JVM) keeps it */
    static Optional<DaemonLock> tryAcquire(Path dataDir) throws IOException {
        long deadline = System.nanoTime() + PROBE_GRACE_MS * 1_000_000;
        while (true) {
            Optional<DaemonLock> lock = tryOnce(dataDir);
            if (lock.isPresent() || System.nanoTime() >= deadline) {
                return lock;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return lock;
            }
        }
    }

    private static Optional<DaemonLock> tryOnce(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        FileChannel channel = FileChannel.open(dataDir.resolve(FILE_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(new DaemonLock(channel, lock));
            }
        } catch (OverlappingFileLockException alreadyHeldInThisJvm) {
            // fall through: same answer as another process holding it
        }
        channel.close();
        return Optional.empty();
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
