package org.cybexp.input.runtime;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code cybexp-input run}: boots Felix in this JVM, in the foreground, with the distribution's
 * {@code etc/config.properties} and {@code etc/system.properties}. Felix Main exits the JVM when the framework
 * stops. Felix is only on the class path of {@code run}; this class is the only one that links to it.
 */
final class Foreground {

    /** Set by {@code start}, which sends the daemon's output to the log itself. */
    static final String LOG_REDIRECTED = "cybexp.log.redirected";

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
        new ConsolePassword(home).prepare(); // before Felix: the console never starts with admin/admin
        if (!Boolean.getBoolean(LOG_REDIRECTED)) {
            logToFile(home, shell);
        }
        System.setProperty("cybexp.home", home.root().toString());
        System.setProperty("gosh.home", home.root().toString()); // the shell reads etc/gosh_profile there
        System.setProperty("cybexp.gosh.args", shell ? "" : "--nointeractive"); // config.properties uses it
        System.setProperty("felix.config.properties", home.etc().resolve("config.properties").toUri().toString());
        System.setProperty("felix.system.properties", home.etc().resolve("system.properties").toUri().toString());
        org.apache.felix.main.Main.loadSystemProperties(); // before JUL: its per-logger levels are read there
        JulLineFormat.install();
        ClassDataArchive.prepareIfWritten();
        org.apache.felix.main.Main.main(new String[0]);
        return Cli.OK;
    }

    /**
     * {@code run} writes {@code log/cybexp-input.log} as {@code start} does: besides standard error (the
     * journal of systemd or a container) or, with the shell, instead of it, so log lines never break the prompt.
     */
    private static void logToFile(Home home, boolean shell) throws IOException {
        Path log = LogFiles.startRun(home);
        OutputStream file = new FileOutputStream(log.toFile(), true);
        PrintStream terminal = System.err;
        OutputStream err = shell ? new ShellLogSplitter(file, terminal) : new Tee(terminal, file);
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        if (shell) {
            terminal.println("cybexp-input: the log goes to " + home.root().relativize(log)
                    + " ('cybexp-input logs -f' follows it); 'exit' stops the container");
        }
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            first.write(bytes, off, len);
            second.write(bytes, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }
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

    private static boolean anotherDaemonHoldsTheLock(Home home) throws IOException {
        return DaemonLockProbe.held(home.daemonLock());
    }
}
