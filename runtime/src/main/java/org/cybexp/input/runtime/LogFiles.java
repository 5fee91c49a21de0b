package org.cybexp.input.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code log/}: the daemon's log of this run and the last five. The log holds samples of feed data, so the
 * folder and its files are the daemon's user's only, like {@code data/}.
 */
final class LogFiles {

    static final int KEPT_LOGS = 5;
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private LogFiles() {
    }

    /**
     * Rotates the logs ({@code cybexp-input.log} becomes {@code .1}, ... up to {@code .5}) and creates an empty,
     * private log for this run.
     *
     * @return the new log file
     */
    static Path startRun(Home home) throws IOException {
        Path log = home.log();
        Path dir = log.getParent();
        Files.createDirectories(dir);
        restrict(dir, OWNER_DIR);
        if (Files.exists(log)) {
            Files.deleteIfExists(numbered(log, KEPT_LOGS));
            for (int i = KEPT_LOGS - 1; i >= 1; i--) {
                Path from = numbered(log, i);
                if (Files.exists(from)) {
                    Files.move(from, numbered(log, i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(log, numbered(log, 1), StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            Files.createFile(log, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(log);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                restrict(file, OWNER_FILE); // logs of older versions were world-readable
            }
        }
        return log;
    }

    private static void restrict(Path path, Set<PosixFilePermission> mode) throws IOException {
        try {
            Files.setPosixFilePermissions(path, mode);
        } catch (UnsupportedOperationException notPosix) {
            // not a POSIX file system: its own access rules apply
        }
    }

    private static Path numbered(Path log, int n) {
        return log.resolveSibling(log.getFileName() + "." + n);
    }
}
