package org.cybexp.input.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starting the daemon in the background ({@code start}) and waiting for a daemon to end ({@code stop}). */
final class DaemonProcess {

    // Short: each poll is a file read and, once the endpoint is written, one loopback request; `start` returns
    // this much sooner after the daemon answers.
    private static final Duration POLL = Duration.ofMillis(20);

    /** The daemon could not be started; the message says why. */
    static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;

        StartFailure(String message) {
            super(message);
        }
    }

    /** The daemon's JVM flags bin/cybexp-input chose, one per line, before JAVA_OPTS (which may override). */
    static final String DAEMON_FLAGS = "CYBEXP_DAEMON_FLAGS";

    private final Home home;

    DaemonProcess(Home home) {
        this.home = home;
    }

    /**
     * Spawns {@code java <daemon flags> $JAVA_OPTS -cp felix.jar:launcher.jar ...Cli run}, detached from the
     * terminal, with its output appended to the log, and waits until its endpoint answers.
     *
     * @return the endpoint of the new daemon
     */
    Endpoint spawn(Duration deadline) throws IOException, StartFailure, InterruptedException {
        LogFiles.startRun(home);
        List<String> command = new ArrayList<>();
        Optional.ofNullable(setsid()).ifPresent(command::add); // own session: a closed terminal does not reach it
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String daemonFlags = System.getenv(DAEMON_FLAGS); // bin/cybexp-input's own: class data sharing
        if (daemonFlags != null) {
            daemonFlags.lines().filter(flag -> !flag.isBlank()).forEach(command::add);
        }
        String javaOpts = System.getenv("JAVA_OPTS");
        if (javaOpts != null && !javaOpts.isBlank()) {
            command.addAll(Arrays.asList(javaOpts.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", home.bin().resolve("felix.jar") + File.pathSeparator
                + home.bin().resolve("cybexp-input-launcher.jar"), "-D" + Foreground.LOG_REDIRECTED + "=true",
                Cli.class.getName(), "run"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.root().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.log().toFile()))
                .redirectErrorStream(true);
        builder.environment().put(Home.ENV, home.root().toString());
        Process process = builder.start();
        return awaitEndpoint(process, deadline);
    }

    private Endpoint awaitEndpoint(Process process, Duration deadline)
            throws IOException, StartFailure, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (waitForExit(process.toHandle(), POLL)) {
                throw new StartFailure("the daemon exited during start (exit code " + process.exitValue()
                        + "); the end of " + home.log() + ":\n" + tail(home.log(), 20));
            }
            Optional<Endpoint> endpoint = Endpoint.read(home.runningConfig());
            if (endpoint.isPresent() && endpoint.get().pid() == process.pid() && answers(endpoint.get())) {
                return endpoint.get();
            }
        }
        throw new StartFailure("the daemon (pid " + process.pid() + ") did not answer within "
                + deadline.toSeconds() + " s; it keeps running: see " + home.log());
    }

    private static boolean answers(Endpoint endpoint) {
        try {
            return new DaemonClient(endpoint).status().ok();
        } catch (IOException notYet) {
            return false;
        }
    }

    /** @return true if the process ended within the wait */
    static boolean waitForExit(ProcessHandle process, Duration wait) throws InterruptedException {
        try {
            process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException stillRunning) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        }
    }

    private static String setsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read the log: " + e.getMessage() + ")";
        }
    }
}
