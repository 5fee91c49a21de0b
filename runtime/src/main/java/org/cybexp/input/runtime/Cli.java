package org.cybexp.input.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
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
            Invocation invocation = Invocation.parse(args);
            if (invocation.verb().equals("help")) {
                System.out.print(Invocation.usage());
                code = OK;
            } else if (invocation.verb().equals("run")) {
                code = Foreground.run(Home.locate(), invocation.shell());
            } else {
                code = new Cli(Home.locate(), System.out, System.err).execute(invocation);
            }
        } catch (Invocation.UsageException e) {
            System.err.println("cybexp-input: " + e.getMessage());
            System.err.print(Invocation.usage());
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
                return status(invocation.json());
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
                out.println("cybexp-input is already running (pid " + running.get().pid() + ")");
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
        DaemonClient.Answer answer = new DaemonClient(endpoint).send(command, invocation.plugins(),
                invocation.names(), false, COMMAND_TIMEOUT);
        if (!answer.ok()) {
            err.println("cybexp-input: " + command + ": " + answer.error());
            return ERROR;
        }
        List<Object> selected = answer.list("selected");
        String verb = command.equals("stop") ? "stopped" : command.equals("start") ? "started" : "restarted";
        out.println(selected.isEmpty() ? "no inputs selected"
                : verb + ": " + String.join(" ", selected.stream().map(String::valueOf).toList()));
        return OK;
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

    private int status(boolean json) throws IOException {
        Optional<Endpoint> endpoint = liveEndpoint();
        if (endpoint.isEmpty()) {
            return notRunning();
        }
        DaemonClient.Answer answer = new DaemonClient(endpoint.get()).status();
        if (!answer.ok()) {
            err.println("cybexp-input: status: " + answer.error());
            return ERROR;
        }
        out.print(json ? answer.line() + "\n" : StatusTable.render(answer));
        return OK;
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
     * The running daemon's endpoint. A {@code runningconfig} whose process is gone is stale: it is removed
     * with a message and the daemon counts as not running.
     */
    private Optional<Endpoint> liveEndpoint() throws IOException {
        Optional<Endpoint> endpoint = Endpoint.read(home.runningConfig());
        if (endpoint.isEmpty()) {
            return endpoint;
        }
        if (!endpoint.get().processAlive()) {
            Files.deleteIfExists(home.runningConfig());
            err.println("cybexp-input: removed stale " + home.root().relativize(home.runningConfig()) + " (pid "
                    + endpoint.get().pid() + " is not running)");
            return Optional.empty();
        }
        try {
            new DaemonClient(endpoint.get()).status();
            return endpoint;
        } catch (ConnectException refused) {
            throw new IOException("the daemon (pid " + endpoint.get().pid() + ") does not answer on "
                    + endpoint.get().host() + ":" + endpoint.get().port() + "; if that pid is not cybexp-input,"
                    + " remove " + home.runningConfig(), refused);
        }
    }

    private int notRunning() {
        err.println("cybexp-input is not running");
        return NOT_RUNNING;
    }
}
