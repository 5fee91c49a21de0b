package org.cybexp.input.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code cybexp-input run}: boots Felix in this JVM, in the foreground, with the distribution's
 * {@code etc/config.properties} and {@code etc/system.properties}. Felix Main exits the JVM when the framework
 * stops. Felix is only on the class path of {@code run}; this class is the only one that links to it.
 */
final class Foreground {

    private Foreground() {
    }

    /**
     * @param shell whether to attach the Gogo shell to this terminal; a daemon has none, since Gogo stops the
     *     framework when its stdin closes
     * @return an exit code if the daemon cannot start; otherwise Felix ends the JVM itself
     */
    static int run(Home home, boolean shell) throws Exception {
        if (!Files.isRegularFile(home.etc().resolve("config.properties"))) {
            System.err.println("cybexp-input: " + home.etc().resolve("config.properties") + " is missing; is "
                    + home.root() + " a cybexp-input distribution?");
            return Cli.ERROR;
        }
        if (anotherDaemonHoldsTheLock(home)) {
            System.err.println("cybexp-input: another daemon already runs on " + home.root()
                    + " (it holds data/daemon.lock); see 'cybexp-input status'");
            return Cli.ERROR;
        }
        keepPrivate(home.data());
        System.setProperty("cybexp.home", home.root().toString());
        System.setProperty("cybexp.gosh.args", shell ? "" : "--nointeractive"); // config.properties uses it
        System.setProperty("felix.config.properties", home.etc().resolve("config.properties").toUri().toString());
        System.setProperty("felix.system.properties", home.etc().resolve("system.properties").toUri().toString());
        org.apache.felix.main.Main.main(new String[0]);
        return Cli.OK;
    }

    /**
     * data/ holds the outboxes, state and ConfigAdmin's store (a token written literally in cybexp.api.cfg is
     * kept there too): only the daemon's user may read it.
     */
    private static void keepPrivate(Path data) throws IOException {
        Files.createDirectories(data);
        try {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own access rules apply
        }
    }

    /** A probe: the lock is held for the life of a daemon by its control bundle, and released at its death. */
    private static boolean anotherDaemonHoldsTheLock(Home home) throws IOException {
        Files.createDirectories(home.data());
        try (FileChannel channel = FileChannel.open(home.daemonLock(), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        }
    }
}
