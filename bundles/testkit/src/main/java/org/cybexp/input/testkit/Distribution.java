package org.cybexp.input.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a plugin in a real container: a private copy of a built distribution ({@code runtime/target/cybexp-input}
 * of this project, or an unpacked release) in a temporary folder, driven through its real
 * {@code bin/cybexp-input} as a user would, from an unrelated working folder with only {@code JAVA_HOME} set.
 * Typical use in a plugin's integration test, with {@link LoopbackRawApi} as the CYBEX-P API:
 * <pre>{@code
 * try (LoopbackRawApi api = new LoopbackRawApi("token");
 *      Distribution dist = Distribution.copyOf(Path.of(System.getProperty("cybexp.dist")), "my-plugin-it")) {
 *     dist.configure("cybexp.api.cfg", "url = " + api.url() + "\ntoken = token\n");
 *     dist.deploy(Path.of("target/my-plugin.jar"));
 *     dist.configure("cybexp.source.myplugin-main.cfg", "orgid = org1\nurl = ...\n");
 *     dist.cli("start");
 *     // poll api.posts() with a deadline, check dist.cli("status", "--json")
 * }
 * }</pre>
 * Each copy's web server listens on its own free loopback port ({@link #httpPort()}), never the shared 8181.
 * Closing it stops a daemon still running (forcibly as a last resort) and deletes both folders.
 *
 * @since 1.1
 */
public final class Distribution implements AutoCloseable {

    private static final long CLI_TIMEOUT_SECONDS = 120;

    private final Path home;
    private final Path elsewhere;
    private final int httpPort;
    private final Map<String, String> environment = new LinkedHashMap<>();

    /** The outcome of one command. */
    public record Result(int code, String out, String err) {
    }

    private Distribution(Path home, Path elsewhere, int httpPort) {
        this.home = home;
        this.elsewhere = elsewhere;
        this.httpPort = httpPort;
    }

    /** Copies the distribution named by the system property {@code cybexp.dist} into a new temporary home. */
    public static Distribution copyOfBuilt(String prefix) throws IOException {
        return copyOf(Path.of(System.getProperty("cybexp.dist")), prefix);
    }

    /** Copies a distribution folder into a new temporary home. */
    public static Distribution copyOf(Path distribution, String prefix) throws IOException {
        if (!Files.isRegularFile(distribution.resolve("bin/cybexp-input"))) {
            throw new IOException(distribution + " is not a cybexp-input distribution (no bin/cybexp-input)");
        }
        Path home = Files.createTempDirectory(prefix);
        copyTree(distribution, home);
        int httpPort = WebServerPort.useFree(home);
        return new Distribution(home, Files.createTempDirectory(prefix + "-cwd"), httpPort);
    }

    /** Drops a plugin jar into {@code deploy/} (a running container installs it within about two seconds). */
    public Path deploy(Path pluginJar) throws IOException {
        Path target = home.resolve("deploy").resolve(pluginJar.getFileName());
        Path tmp = target.resolveSibling("." + pluginJar.getFileName() + ".tmp");
        Files.copy(pluginJar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Writes {@code etc/<file>} atomically, so the container never reads half of it. */
    public Path configure(String file, String content) throws IOException {
        Path target = home.resolve("etc").resolve(file);
        Path tmp = target.resolveSibling("." + file + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** The distribution's home folder ({@code bin/}, {@code etc/}, {@code deploy/}, {@code data/}). */
    public Path home() {
        return home;
    }

    /**
     * The free loopback port this copy's web server (upload, web console, {@code /metrics}) listens on, from the
     * {@code etc/org.apache.felix.http.cfg} the copy was given.
     *
     * @since 1.3
     */
    public int httpPort() {
        return httpPort;
    }

    /** A working folder unrelated to the home, where commands run. */
    public Path elsewhere() {
        return elsewhere;
    }

    /** Sets an environment variable for every later {@link #cli} and {@link #run} (e.g. CYBEXP_CDS). */
    public Distribution environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Runs {@code bin/cybexp-input} with these arguments. */
    public Result cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/cybexp-input").toString());
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs a command from {@link #elsewhere()}, with only JAVA_HOME set and no input. */
    public Result run(List<String> command) throws IOException, InterruptedException {
        return run(command, new File("/dev/null"));
    }

    /** Runs a command from {@link #elsewhere()}, with only JAVA_HOME set, stdin read from a file. */
    public Result run(List<String> command, File stdin) throws IOException, InterruptedException {
        Path out = Files.createTempFile(elsewhere, "out", ".txt");
        Path err = Files.createTempFile(elsewhere, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(elsewhere.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(stdin));
        builder.environment().remove("CYBEXP_HOME");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", "-Xmx256m");
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(CLI_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("CLI did not return: " + command);
        }
        Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    /** The daemon's {@code data/runningconfig} (host, port, nonce, pid). */
    public Properties runningConfig() throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(home.resolve("data/runningconfig"))) {
            props.load(in);
        }
        return props;
    }

    /** The pid of the running daemon, from its runningconfig. */
    public Optional<Long> daemonPid() throws IOException {
        if (!Files.exists(home.resolve("data/runningconfig"))) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(runningConfig().getProperty("pid")));
    }

    /** Stops the daemon if it still runs: {@code stop --now}, then forcibly if it is still alive. */
    public void stopDaemon(long pid) throws IOException, InterruptedException {
        if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            cli("stop", "--now");
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroyForcibly(); // last resort: never leave a daemon behind a failed test
                p.onExit().join();
            });
        }
    }

    /** Whether a process is a daemon of this home (a stale runningconfig may name a reused pid). */
    public boolean runsFromThisHome(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().arguments())
                .map(args -> String.join(" ", args).contains(home.resolve("bin").toString())).orElse(false);
    }

    /** Stops a daemon still running and deletes the home and the working folder. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            Optional<Long> pid = daemonPid();
            if (pid.isPresent() && runsFromThisHome(pid.get())) {
                stopDaemon(pid.get());
            }
        } finally {
            deleteTree(home);
            deleteTree(elsewhere);
        }
    }

    /** Copies a folder with its files' attributes (the CLI stays executable). */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Deletes a folder and everything in it; nothing if it does not exist. */
    public static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
