package org.cybexp.input.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed command line: the verb, the selection ({@code -p PLUGIN...}, {@code -n NAME...}; each flag takes
 * one or more values and may repeat) and the flags {@code --json} (status, deadletters list/show),
 * {@code --now} (stop) and {@code --shell} (run). {@code deadletters} takes an action and dead-letter ids or
 * {@code --all}.
 */
record Invocation(String verb, List<String> plugins, List<String> names, boolean json, boolean now,
        boolean shell, String action, List<String> ids, boolean all, boolean follow, List<String> files,
        boolean force) {

    static final List<String> VERBS = List.of("start", "stop", "restart", "status", "fetch", "logs", "deadletters",
            "run", "version", "help", "import", "console-password");
    static final List<String> DEAD_LETTER_ACTIONS = List.of("list", "show", "replay", "purge");
    /** The one usage line of each deadletters action, printed alone when that action is misused. */
    static final java.util.Map<String, String> DEAD_LETTER_USAGE = java.util.Map.of(
            "list", "cybexp-input deadletters list [-n NAME...] [--json]",
            "show", "cybexp-input deadletters show ID [--json]",
            "replay", "cybexp-input deadletters replay ID...|--all [-n NAME...]",
            "purge", "cybexp-input deadletters purge ID...|--all [-n NAME...]");

    /** Thrown for a command line we cannot understand; the message says what is wrong. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String verbUsage;

        UsageException(String message) {
            this(message, null);
        }

        /** @param verbUsage the usage line of the misused verb, shown instead of the whole help */
        UsageException(String message, String verbUsage) {
            super(message);
            this.verbUsage = verbUsage;
        }

        /** What to print after the message: the verb's own line, or the whole help. */
        String usageToPrint() {
            return verbUsage != null ? "Usage: " + verbUsage + "\n" : usage();
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
        List<String> ids = new ArrayList<>();
        boolean json = false;
        boolean now = false;
        boolean shell = false;
        boolean all = false;
        boolean follow = false;
        String action = null;
        int first = 1;
        if (verb.equals("import")) {
            return parseImport(args);
        }
        if (verb.equals("deadletters")) {
            if (args.length < 2 || !DEAD_LETTER_ACTIONS.contains(args[1])) {
                throw new UsageException("deadletters needs one of " + String.join(", ", DEAD_LETTER_ACTIONS)
                        + (args.length < 2 ? "" : ", not '" + args[1] + "'"));
            }
            action = args[1];
            first = 2;
        }
        // dead-letter ids are the values not after -p/-n (which take every value up to the next flag)
        List<String> positional = action != null ? ids : null;
        List<String> target = positional;
        String openFlag = null; // a -p/-n still waiting for its first value
        for (int i = first; i < args.length; i++) {
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
                    target = positional;
                }
                case "--now" -> {
                    now = true;
                    target = positional;
                }
                case "--shell" -> {
                    shell = true;
                    target = positional;
                }
                case "--all" -> {
                    all = true;
                    target = positional;
                }
                case "-f", "--follow" -> {
                    follow = true;
                    target = positional;
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
        boolean names0 = verb.equals("status") || verb.equals("fetch") || verb.equals("logs");
        if (action != null) {
            checkDeadLetters(action, plugins, names, ids, all);
        } else if (names0 && !plugins.isEmpty()) {
            throw new UsageException(verb + " takes no -p selection (-n NAME selects inputs)");
        } else if (!selects && !names0 && (!plugins.isEmpty() || !names.isEmpty())) {
            throw new UsageException(verb + " takes no -p/-n selection");
        }
        if (verb.equals("fetch") && names.isEmpty()) {
            throw new UsageException("fetch needs the inputs to fetch", "cybexp-input fetch -n NAME...");
        }
        if (verb.equals("logs") && names.size() > 1) {
            throw new UsageException("logs shows one input's lines at a time", "cybexp-input logs [-f] [-n NAME]");
        }
        if (follow && !verb.equals("logs")) {
            throw new UsageException("-f is an option of logs only");
        }
        if (all && action == null) {
            throw new UsageException("--all is an option of deadletters replay/purge only");
        }
        if (json && !verb.equals("status") && !"list".equals(action) && !"show".equals(action)) {
            throw new UsageException("--json is an option of status and deadletters list/show only");
        }
        if (now && !verb.equals("stop")) {
            throw new UsageException("--now is an option of stop only");
        }
        if (shell && !verb.equals("run")) {
            throw new UsageException("--shell is an option of run only");
        }
        return new Invocation(verb, List.copyOf(plugins), List.copyOf(names), json, now, shell, action,
                List.copyOf(ids), all, follow, List.of(), false);
    }

    /** {@code import [--force] FILE...}: the original module's configuration files. */
    private static Invocation parseImport(String... args) throws UsageException {
        String line = "cybexp-input import [--force] FILE...";
        List<String> files = new ArrayList<>();
        boolean force = false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--force")) {
                force = true;
            } else if (args[i].startsWith("-")) {
                throw new UsageException("unexpected argument '" + args[i] + "' for import", line);
            } else {
                files.add(args[i]);
            }
        }
        if (files.isEmpty()) {
            throw new UsageException("import needs the original configuration files", line);
        }
        return new Invocation("import", List.of(), List.of(), false, false, false, null, List.of(), false, false,
                List.copyOf(files), force);
    }

    /** What each deadletters action takes; purge and replay act on everything only with an explicit --all. */
    private static void checkDeadLetters(String action, List<String> plugins, List<String> names, List<String> ids,
            boolean all) throws UsageException {
        String command = "deadletters " + action;
        String line = DEAD_LETTER_USAGE.get(action);
        if (!plugins.isEmpty()) {
            throw new UsageException(command + " takes no -p selection (-n NAME selects inputs)", line);
        }
        switch (action) {
            case "list" -> {
                if (!ids.isEmpty() || all) {
                    throw new UsageException(command + " takes no ids nor --all (-n NAME lists some inputs only)",
                            line);
                }
            }
            case "show" -> {
                if (ids.size() != 1 || all || !names.isEmpty()) {
                    throw new UsageException(command + " takes exactly one dead-letter id", line);
                }
            }
            default -> {
                if (ids.isEmpty() == !all) {
                    throw new UsageException(command + " needs dead-letter ids or --all (not both)", line);
                }
                if (!names.isEmpty() && !all) {
                    throw new UsageException(command + ": -n selects inputs for --all only", line);
                }
            }
        }
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
                  status  [--json] [-n NAME...]        the daemon and each input: state, counters, outbox,
                                                       dead letters, delivery, errors (-n: those, in full)
                  fetch   -n NAME...                   fetch now (or as soon as the rate limit allows)
                  logs    [-f] [-n NAME]               the daemon's log (-f: follow it; -n: one input's lines)
                  deadletters list [-n NAME...] [--json]
                                                       the events the API refused for good, with its answer
                  deadletters show ID [--json]         one of them: its fields and the start of the event
                  deadletters replay ID...|--all [-n NAME...]
                                                       post them again (after fixing the cause)
                  deadletters purge ID...|--all [-n NAME...]
                                                       delete them for good
                  upload-key add NAME --orgid ORGID... a key for the upload endpoint, shown once
                  upload  FILE --orgid ORGID --typetag TYPETAG [--name NAME] [--timezone ZONE] [--url URL]
                                                       upload a file (key from CYBEXP_UPLOAD_KEY); prints
                                                       the receipt
                  run     [--shell]                    run the daemon in the foreground (systemd, containers);
                                                       --shell: with the interactive Felix (Gogo) shell
                  import  [--force] FILE...            write etc/ files from the original module's configuration
                                                       (config/plugin-config*.json, api-config.json, config.json);
                                                       --force: replace inputs of the same name
                  version                              the version of this installation
                  console-password                     the web console's address, user, and where its
                                                       password is (never the password itself)
                  help                                 this text

                An input is selected when its plugin (-p) or its name (-n) is listed.
                Exit codes: 0 done, 1 error or bad usage, 3 the daemon is not running.
                Environment: JAVA_HOME, JAVA_OPTS (JVM flags of the daemon), CYBEXP_HOME (distribution folder).
                """;
    }
}
