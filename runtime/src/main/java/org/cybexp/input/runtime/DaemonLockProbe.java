package org.cybexp.input.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether a daemon runs on a home: its control bundle holds {@code data/daemon.lock} for the daemon's life and
 * the OS releases it when the process dies, even before a killed process is reaped. So the lock, not the pid
 * in {@code data/runningconfig}, decides: a zombie or a reused pid never counts as a daemon.
 */
final class DaemonLockProbe {

    private DaemonLockProbe() {
    }

    /** @return true if another process holds the lock; the probe holds it for an instant only */
    static boolean held(Path lockFile) throws IOException {
        Files.createDirectories(lockFile.getParent());
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException thisJvmHoldsIt) {
            return true;
        }
    }
}
