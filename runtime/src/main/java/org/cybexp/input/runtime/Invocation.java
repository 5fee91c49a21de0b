package org.cybexp.input.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed command line: the verb, the selection ({@code -p PLUGIN...}, {@code -n NAME...}; each flag takes
 * one or more values and may repeat) and the flags {@code --json} (status), {@code --now} (stop) and
 * {@code --shell} (run).
 */
record Invocation(String verb, List<String> plugins, List<String> names, boolean json, boolean now,
        boolean shell) {

    static final List<String> VERBS = List.of("start", "stop", "restart", "status", "run", "help");

    /** Thrown for a command line we cannot understand; the message says what is wrong. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static Invocation parse(String... args) throws UsageException {
        if (args.length == 0) {
            throw new UsageException("missing command");
        }
        String verb = args[0];
        if (verb.equals("-h") || verb.equals("--help")) {
            verb = "help";
        }
        if (!VERBS.contains(verb)) {
            throw new UsageException("unknown command '" + verb + "'");
        }
        List<String> plugins = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean json = false;
        boolean now = false;
        boolean shell = false;
        List<String> target = null;
        String openFlag = null; // a -p/-n still waiting for its first value
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("-") && openFlag != null) {
                throw new UsageException(openFlag + " needs at least one value");
            }
            switch (arg) {
                case "-p", "--plugin" -> {
                    target = plugins;
                    openFlag = arg;
                }
                case "-n", "--name" -> {
                    target = names;
                    openFlag = arg;
                }
                case "--json" -> {
                    json = true;
                    target = null;
                }
                case "--now" -> {
                    now = true;
                    target = null;
                }
                case "--shell" -> {
                    shell = true;
                    target = null;
                }
                default -> {
                    if (arg.startsWith("-") || target == null) {
                        throw new UsageException("unexpected argument '" + arg + "' for " + verb);
                    }
                    target.add(arg);
                    openFlag = null;
                }
            }
        }
        if (openFlag != null) {
            throw new UsageException(openFlag + " needs at least one value");
        }
        boolean selects = verb.equals("start") || verb.equals("stop") || verb.equals("restart");
        if (!selects && (!plugins.isEmpty() || !names.isEmpty())) {
            throw new UsageException(verb + " takes no -p/-n selection");
        }
        if (json && !verb.equals("status")) {
            throw new UsageException("--json is an option of status only");
        }
        if (now && !verb.equals("stop")) {
            throw new UsageException("--now is an option of stop only");
        }
        if (shell && !verb.equals("run")) {
            throw new UsageException("--shell is an option of run only");
        }
        return new Invocation(verb, List.copyOf(plugins), List.copyOf(names), json, now, shell);
    }

    boolean hasSelection() {
        return !plugins.isEmpty() || !names.isEmpty();
    }

    static String usage() {
        return """
                Usage: cybexp-input COMMAND [OPTIONS]

                  start   [-p PLUGIN...] [-n NAME...]  start the daemon if needed, then the selected inputs
                                                       (all by default)
                  stop    [-p PLUGIN...] [-n NAME...]  stop the selected inputs; with no selection stop the
                          [--now]                      daemon gracefully (--now: without finishing batches)
                  restart [-p PLUGIN...] [-n NAME...]  stop and start the selected inputs (all by default)
                  status  [--json]                     the daemon and each input: state, counters, outbox, errors
                  run     [--shell]                    run the daemon in the foreground (systemd, containers);
                                                       --shell: with the interactive Felix (Gogo) shell
                  help                                 this text

                An input is selected when its plugin (-p) or its name (-n) is listed.
                Exit codes: 0 done, 1 error or bad usage, 3 the daemon is not running.
                Environment: JAVA_HOME, JAVA_OPTS (JVM flags of the daemon), CYBEXP_HOME (distribution folder).
                """;
    }
}
