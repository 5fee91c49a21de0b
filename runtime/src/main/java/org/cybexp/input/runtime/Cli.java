package org.cybexp.input.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bin/cybexp-input}: starts, stops and queries the daemon through its loopback control endpoint
 * ({@code data/runningconfig}), or runs it in the foreground. Plain JDK, so it starts fast and alone.
 */
public final class Cli {

    static final int OK = 0;
    static final int ERROR = 1;
    static final int NOT_RUNNING = 3;

    static final Duration START_DEADLINE = Duration.ofSeconds(60);
    /** A graceful stop lets each input finish its batch (the manager allows 30 s) before the JVM ends. */
    static final Duration STOP_DEADLINE = Duration.ofSeconds(90);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(75);
    /** How long a daemon that holds its lock may take to write its endpoint (it is starting). */
    private static final Duration ENDPOINT_GRACE = Duration.ofSeconds(10);
    /** The manager's graceful stop: what a stop of inputs in the middle of a fetch may wait. */
    static final long GRACEFUL_STOP_SECONDS = 30;

    private final Home home;
    private final PrintStream out;
    private final PrintStream err;

    Cli(Home home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int code;
        try {
            if (args.length > 0 && UploadCommands.handles(args[0])) {
                System.exit(new UploadCommands(Home.locate(), System.out, System.err).run(args, System.getenv()));
            }
            Invocation invocation = Invocation.parse(args);
            if (invocation.verb().equals("help")) {
                System.out.print(Invocation.usage());
                code = OK;
            } else if (invocation.verb().equals("version")) {
                System.out.println(version());
                code = OK;
            } else if (invocation.verb().equals("logs")) {
                code = new LogView(Home.locate(), System.out, System.err).show(invocation.names(),
                        invocation.follow());
            } else if (invocation.verb().equals("import")) {
                code = new ConfigImport(Home.locate().etc(), System.out, System.err).run(
                        invocation.files().stream().map(Path::of).toList(), invocation.force());
            } else if (invocation.verb().equals("console-password")) {
                code = new ConsolePassword(Home.locate()).show(System.out);
            } else if (invocation.verb().equals("run")) {
                code = Foreground.run(Home.locate(), invocation.shell());
            } else {
                code = new Cli(Home.locate(), System.out, System.err).execute(invocation);
            }
        } catch (Invocation.UsageException e) {
            System.err.println("cybexp-input: " + e.getMessage());
            System.err.print(e.usageToPrint());
            code = ERROR;
        } catch (Exception e) {
            System.err.println("cybexp-input: " + e.getMessage());
            code = ERROR;
        }
        System.exit(code);
    }

    int execute(Invocation invocation) throws IOException, InterruptedException {
        switch (invocation.verb()) {
            case "start":
                return start(invocation);
            case "stop":
                return invocation.hasSelection() ? select("stop", invocation) : shutdown(invocation.now());
            case "restart":
                return select("restart", invocation);
            case "status":
                return status(invocation.json(), invocation.names());
            case "fetch":
                return fetch(invocation.names());
            case "deadletters":
                return deadLetters(invocation);
            default:
                throw new IllegalArgumentException("unknown command " + invocation.verb());
        }
    }

    private int start(Invocation invocation) throws IOException, InterruptedException {
        Files.createDirectories(home.data());
        // One `start` at a time on a home, so two of them never spawn two daemons.
        try (FileChannel channel = FileChannel.open(home.data().resolve("start.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
            Optional<Endpoint> running = liveEndpoint();
            if (running.isPresent()) {
                if (!invocation.hasSelection()) {
                    out.println("cybexp-input is already running (pid " + running.get().pid() + ")");
                }
                return select(running.get(), "start", invocation);
            }
            long began = System.nanoTime();
            Endpoint started;
            try {
                started = new DaemonProcess(home).spawn(START_DEADLINE);
            } catch (DaemonProcess.StartFailure e) {
                err.println("cybexp-input: " + e.getMessage());
                return ERROR;
            }
            out.printf("cybexp-input started (pid %d) in %.1f s; log: %s%n", started.pid(),
                    (System.nanoTime() - began) / 1e9, home.root().relativize(home.log()));
            return invocation.hasSelection() ? select(started, "start", invocation) : OK;
        }
    }

    private int select(String command, Invocation invocation) throws IOException {
        Optional<Endpoint> endpoint = liveEndpoint();
        if (endpoint.isEmpty()) {
            return notRunning();
        }
        return select(endpoint.get(), command, invocation);
    }

    private int select(Endpoint endpoint, String command, Invocation invocation) throws IOException {
        DaemonClient client = new DaemonClient(endpoint);
        if (command.equals("stop")) {
            announceWait(client, invocation);
        }
        DaemonClient.Answer answer = client.send(command, invocation.plugins(), invocation.names(), false,
                COMMAND_TIMEOUT);
        if (!answer.ok()) {
            err.println("cybexp-input: " + command + ": " + answer.error());
            return ERROR;
        }
        List<String> selected = answer.list("selected").stream().map(String::valueOf).toList();
        Map<String, String> notStarted = new LinkedHashMap<>();
        for (Object item : answer.list("not_started")) {
            if (item instanceof Map<?, ?> idle) {
                notStarted.put(String.valueOf(idle.get("name")), String.valueOf(idle.get("reason")));
            }
        }
        List<String> done = selected.stream().filter(name -> !notStarted.containsKey(name)).toList();
        String verb = command.equals("stop") ? "stopped" : command.equals("start") ? "started" : "restarted";
        if (selected.isEmpty()) {
            out.println("no inputs selected");
        } else if (!done.isEmpty()) {
            out.println(verb + ": " + String.join(" ", done));
        }
        // Asked for by name or plugin, an input that cannot run is an error; in "start everything" a note.
        boolean asked = invocation.hasSelection();
        notStarted.values().forEach(reason -> (asked ? err : out).println(
                (asked ? "cybexp-input: " + command + ": " : "not started: ") + reason));
        return asked && !notStarted.isEmpty() ? ERROR : OK;
    }

    /** A stop of inputs in the middle of a fetch waits for it: say so before waiting. */
    private void announceWait(DaemonClient client, Invocation invocation) throws IOException {
        DaemonClient.Answer status = client.status();
        List<String> fetching = new java.util.ArrayList<>();
        for (Object item : status.list("inputs")) {
            if (item instanceof Map<?, ?> input && "RUNNING".equals(input.get("state"))
                    && (invocation.names().contains(String.valueOf(input.get("name")))
                            || invocation.plugins().contains(String.valueOf(input.get("plugin"))))) {
                fetching.add(String.valueOf(input.get("name")));
            }
        }
        if (!fetching.isEmpty()) {
            out.println("stopping: waiting up to " + GRACEFUL_STOP_SECONDS + " s for the running fetch of "
                    + String.join(", ", fetching));
            out.flush();
        }
    }

    private int shutdown(boolean immediate) throws IOException, InterruptedException {
        Optional<Endpoint> endpoint = liveEndpoint();
        if (endpoint.isEmpty()) {
            return notRunning();
        }
        DaemonClient.Answer answer = new DaemonClient(endpoint.get()).send("shutdown", List.of(), List.of(),
                immediate, COMMAND_TIMEOUT);
        if (!answer.ok()) {
            err.println("cybexp-input: stop: " + answer.error());
            return ERROR;
        }
        List<Object> waitingFor = answer.list("waiting_for");
        if (!waitingFor.isEmpty()) {
            out.println("stopping: waiting up to " + answer.body().getOrDefault("graceful_timeout_s",
                    GRACEFUL_STOP_SECONDS) + " s for the running fetch of " + String.join(", ",
                    waitingFor.stream().map(String::valueOf).toList())
                    + " ('cybexp-input stop --now' stops at once)");
            out.flush();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(endpoint.get().pid());
        if (process.isPresent() && !DaemonProcess.waitForExit(process.get(), STOP_DEADLINE)) {
            err.println("cybexp-input: the daemon (pid " + endpoint.get().pid() + ") is still stopping after "
                    + STOP_DEADLINE.toSeconds() + " s; 'cybexp-input stop --now' stops it without finishing batches");
            return ERROR;
        }
        // The daemon removes it; a crash during the stop would leave it behind.
        Files.deleteIfExists(home.runningConfig());
        out.println("cybexp-input stopped");
        return OK;
    }

    private int status(boolean json, List<String> names) throws IOException {
        Optional<Endpoint> endpoint = liveEndpoint();
        if (endpoint.isEmpty()) {
            return notRunning();
        }
        DaemonClient.Answer answer = new DaemonClient(endpoint.get()).send("status", List.of(), names, false,
                COMMAND_TIMEOUT);
        if (!answer.ok()) {
            err.println("cybexp-input: status: " + answer.error());
            return ERROR;
        }
        if (json) {
            out.print(answer.line() + "\n");
            return OK;
        }
        // The daemon renders the table, so the CLI and the shell's cybexp:status show the same.
        out.print(String.valueOf(answer.body().getOrDefault("table", "")));
        for (Object detail : answer.list("details")) {
            out.print("\n" + detail);
        }
        return OK;
    }

    private int fetch(List<String> names) throws IOException {
        Optional<Endpoint> endpoint = liveEndpoint();
        if (endpoint.isEmpty()) {
            return notRunning();
        }
        DaemonClient.Answer answer = new DaemonClient(endpoint.get()).send("fetch", List.of(), names, false,
                COMMAND_TIMEOUT);
        if (!answer.ok()) {
            err.println("cybexp-input: fetch: " + answer.error());
            return ERROR;
        }
        int code = OK;
        Object fetch = answer.body().get("fetch");
        Map<?, ?> starts = fetch instanceof Map<?, ?> m ? m : Map.of();
        java.time.Instant now = java.time.Instant.now();
        for (Map.Entry<?, ?> entry : starts.entrySet()) {
            if (entry.getValue() == null) {
                err.println("cybexp-input: fetch: '" + entry.getKey() + "' does not run (see 'cybexp-input status"
                        + " -n " + entry.getKey() + "'; 'cybexp-input start -n " + entry.getKey() + "' starts it)");
                code = ERROR;
                continue;
            }
            java.time.Instant at = java.time.Instant.parse(entry.getValue().toString());
            long wait = java.time.Duration.between(now, at).toSeconds();
            out.println(entry.getKey() + ": " + (wait <= 1 ? "fetching now"
                    : "fetching at " + at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " (in " + wait
                            + " s: min_interval, the rate limit, or a wait the feed asked for)"));
        }
        return code;
    }

    private int deadLetters(Invocation invocation) throws IOException {
        Optional<Endpoint> endpoint = liveEndpoint();
        if (endpoint.isEmpty()) {
            return notRunning();
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("action", invocation.action());
        fields.put("ids", invocation.ids());
        fields.put("all", invocation.all());
        fields.put("names", invocation.names());
        DaemonClient.Answer answer = new DaemonClient(endpoint.get()).send("deadletters", fields, COMMAND_TIMEOUT);
        if (!answer.ok()) {
            err.println("cybexp-input: deadletters " + invocation.action() + ": " + answer.error());
            return ERROR;
        }
        if (invocation.json()) {
            out.print(answer.line() + "\n");
            return OK;
        }
        switch (invocation.action()) {
            case "list" -> out.print(DeadLetterText.list(answer));
            case "show" -> out.print(DeadLetterText.show(answer));
            case "replay" -> out.print(DeadLetterText.done("replayed", answer.list("replayed")));
            default -> out.print(DeadLetterText.done("purged", answer.list("purged")));
        }
        return OK;
    }

    /**
     * The running daemon's endpoint. Whether a daemon runs is decided by its lock on {@code data/daemon.lock}:
     * with the lock free, a {@code runningconfig} is stale (a killed daemon, a pid since reused) and is removed
     * with a message. With the lock held, a daemon that is starting gets a moment to write its endpoint.
     */
    private Optional<Endpoint> liveEndpoint() throws IOException {
        Optional<Endpoint> endpoint = Endpoint.read(home.runningConfig());
        if (!DaemonLockProbe.held(home.daemonLock())) {
            if (endpoint.isPresent()) {
                Files.deleteIfExists(home.runningConfig());
                err.println("cybexp-input: removed stale " + home.root().relativize(home.runningConfig()) + " (pid "
                        + endpoint.get().pid() + " holds no lock on data/daemon.lock: no daemon runs)");
            }
            return Optional.empty();
        }
        long deadline = System.nanoTime() + ENDPOINT_GRACE.toNanos();
        while (endpoint.isEmpty() && System.nanoTime() < deadline && DaemonLockProbe.held(home.daemonLock())) {
            pause();
            endpoint = Endpoint.read(home.runningConfig());
        }
        if (endpoint.isEmpty()) {
            if (!DaemonLockProbe.held(home.daemonLock())) {
                return Optional.empty(); // it stopped meanwhile
            }
            throw new IOException("a daemon holds " + home.root().relativize(home.daemonLock()) + " but has no"
                    + " control endpoint (it is starting or stopping, or it failed: see " + home.root().relativize(
                    home.log()) + ")");
        }
        try {
            new DaemonClient(endpoint.get()).status();
            return endpoint;
        } catch (ConnectException refused) {
            throw new IOException("the daemon (pid " + endpoint.get().pid() + ") holds data/daemon.lock but does not"
                    + " answer on " + endpoint.get().host() + ":" + endpoint.get().port() + " (starting or"
                    + " stopping?); try again in a moment", refused);
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** This installation's version, from the launcher jar's manifest. */
    static String version() {
        String version = Cli.class.getPackage().getImplementationVersion();
        return "cybexp-input " + (version == null ? "(development build)" : version) + ", Java "
                + System.getProperty("java.version");
    }

    private int notRunning() {
        err.println("cybexp-input is not running");
        return NOT_RUNNING;
    }
}
