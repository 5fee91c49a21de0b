package org.cybexp.input.control;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.cybexp.input.core.control.DeadLetterStore;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.manager.PluginManager;
import org.cybexp.input.manager.StatusTable;
import org.cybexp.input.manager.UnknownSelectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One CLI request (a JSON line) to one answer (a JSON line), independent of sockets so it is tested directly.
 * Every request must carry the nonce of {@code data/runningconfig}; the commands act through the
 * {@link PluginManager}, and {@code deadletters} through the delivery bundle's {@link DeadLetterStore}.
 */
final class ControlProtocol {

    private static final Logger LOG = LoggerFactory.getLogger(ControlProtocol.class);
    static final String REFUSED = "refused: wrong or missing nonce";
    static final List<String> COMMANDS = List.of("status", "plugins", "start", "stop", "restart", "fetch",
            "reload", "shutdown", "deadletters");

    /** The answer line, and what to do once it has been sent (the shutdown must not cut its own answer). */
    record Reply(String json, Runnable afterReply) {
        static Reply of(String json) {
            return new Reply(json, () -> { });
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final PluginManager manager;
    private final Nonce nonce;
    private final Clock clock;
    private final Instant started;
    private final long pid;
    private final Consumer<Boolean> shutdown;
    private final DeadLetterCommand deadLetters;
    private final RefusalLog refusals;

    /**
     * @param shutdown stops every input (gracefully or immediately, the argument) and then the framework
     * @param deadLetterStore the delivery bundle's service, or null while it is not there
     */
    ControlProtocol(PluginManager manager, Nonce nonce, Clock clock, long pid, Consumer<Boolean> shutdown,
            Supplier<DeadLetterStore> deadLetterStore) {
        this.manager = manager;
        this.nonce = nonce;
        this.clock = clock;
        this.started = clock.instant();
        this.pid = pid;
        this.shutdown = shutdown;
        this.deadLetters = new DeadLetterCommand(deadLetterStore,
                () -> manager.status().stream().map(InputStatus::name).toList());
        this.refusals = new RefusalLog(clock, LOG::warn);
    }

    Reply handle(String line, int remotePort) {
        return handle(line, remotePort, true);
    }

    /** A request from inside the daemon (the web console): no nonce, and no shutdown. */
    String handleTrusted(String line) {
        return handle(line, -1, false).json();
    }

    private Reply handle(String line, int remotePort, boolean fromSocket) {
        JsonNode request;
        try {
            request = json.readTree(line);
        } catch (JsonProcessingException e) {
            return error("bad request: not JSON");
        }
        if (request == null || !request.isObject()) {
            return error("bad request: expected one JSON object");
        }
        if (fromSocket) {
            JsonNode given = request.get("nonce");
            if (given == null || !given.isTextual() || !nonce.matches(given.asText())) {
                refusals.refused("wrong or missing nonce", remotePort);
                return error(REFUSED);
            }
        } else if ("shutdown".equals(request.path("command").asText())) {
            return error("shutdown is a command of the CLI only (cybexp-input stop)");
        }
        try {
            return execute(request);
        } catch (BadRequest | DeadLetterCommand.Failure e) {
            return error(e.getMessage());
        } catch (UnknownSelectionException e) {
            return error(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Control command failed", e);
            return error("internal error: " + e);
        }
    }

    private Reply execute(JsonNode request) throws BadRequest, UnknownSelectionException,
            DeadLetterCommand.Failure {
        String command = text(request, "command");
        List<String> plugins = strings(request, "plugins");
        List<String> names = strings(request, "names");
        switch (command) {
            case "status":
                return status(names);
            case "plugins":
                return ok(null);
            case "start":
                return started(manager.start(plugins, names));
            case "stop":
                return ok(manager.stop(plugins, names));
            case "restart":
                return started(manager.restart(plugins, names));
            case "fetch":
                return fetch(names);
            case "reload":
                manager.reload();
                return ok(null);
            case "shutdown":
                boolean immediate = request.path("immediate").asBoolean(false);
                LOG.info("Shutdown requested by the CLI ({})", immediate ? "immediate" : "graceful");
                Map<String, Object> answer = base(true);
                if (!immediate) {
                    answer.put("waiting_for", running(manager.status()));
                    answer.put("graceful_timeout_s", PluginManager.GRACEFUL_STOP.toSeconds());
                }
                return new Reply(write(answer), () -> shutdown.accept(immediate));
            case "deadletters":
                Map<String, Object> result = base(true);
                result.putAll(deadLetters.run(text(request, "action"), strings(request, "ids"),
                        request.path("all").asBoolean(false), names));
                return Reply.of(write(result));
            default:
                throw new BadRequest("unknown command '" + command + "' (expected one of "
                        + String.join(", ", COMMANDS) + ")");
        }
    }

    /** Every input, or the named ones with their detail; the table is rendered here, once for CLI and shell. */
    private Reply status(List<String> names) throws BadRequest {
        List<InputStatus> all = manager.status();
        List<InputStatus> shown = all;
        if (!names.isEmpty()) {
            List<String> known = all.stream().map(InputStatus::name).toList();
            for (String name : names) {
                if (!known.contains(name)) {
                    throw new BadRequest("no input named '" + name + "' (inputs: " + String.join(", ", known) + ")");
                }
            }
            shown = all.stream().filter(s -> names.contains(s.name())).toList();
        }
        Instant now = clock.instant();
        Map<String, Object> answer = base(true);
        answer.put("inputs", shown.stream().map(StatusJson::of).toList());
        answer.put("plugins", manager.plugins());
        answer.put("table", StatusTable.render(pid, Duration.between(started, now), manager.plugins(), shown, now));
        if (!names.isEmpty()) {
            answer.put("details", shown.stream().map(s -> StatusTable.detail(s, now)).toList());
        }
        return Reply.of(write(answer));
    }

    /** The answer to start and restart: the selection, and why those of it that do not run do not. */
    private Reply started(List<String> selected) {
        Map<String, Object> answer = base(true);
        answer.put("selected", selected);
        List<InputStatus> inputs = manager.status();
        List<Map<String, Object>> idle = new ArrayList<>();
        for (InputStatus s : inputs) {
            String why = selected.contains(s.name()) ? whyNotRunning(s) : null;
            if (why != null) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("name", s.name());
                item.put("state", s.state().name());
                item.put("reason", why);
                idle.add(item);
            }
        }
        answer.put("not_started", idle);
        answer.put("inputs", inputs.stream().map(StatusJson::of).toList());
        answer.put("plugins", manager.plugins());
        return Reply.of(write(answer));
    }

    /** Why a selected input did not start, in words an operator acts on; null if it runs. */
    static String whyNotRunning(InputStatus s) {
        switch (s.state()) {
            case DISABLED:
                return "'" + s.name() + "' is disabled (enabled = false): set enabled = true in its etc/cybexp.source."
                        + s.plugin() + "-*.cfg to start it";
            case PLUGIN_MISSING:
                return "'" + s.name() + "' cannot start: its plugin '" + s.plugin()
                        + "' is not installed (put the plugin's bundle in deploy/)";
            case INVALID_CONFIG:
                return "'" + s.name() + "' cannot start: " + s.configError();
            default:
                return null;
        }
    }

    private Reply fetch(List<String> names) throws BadRequest, UnknownSelectionException {
        if (names.isEmpty()) {
            throw new BadRequest("fetch needs input names (-n NAME...)");
        }
        Map<String, Instant> starts = manager.fetch(names);
        Map<String, Object> at = new LinkedHashMap<>();
        starts.forEach((name, when) -> at.put(name, when == null ? null : when.toString()));
        Map<String, Object> answer = base(true);
        answer.put("fetch", at);
        return Reply.of(write(answer));
    }

    private static List<String> running(List<InputStatus> inputs) {
        return inputs.stream().filter(s -> s.state() == InputState.RUNNING || s.state() == InputState.BACK_PRESSURE)
                .map(InputStatus::name).toList();
    }

    private Reply ok(List<String> selected) {
        Map<String, Object> answer = base(true);
        if (selected != null) {
            answer.put("selected", selected);
        }
        answer.put("inputs", manager.status().stream().map(StatusJson::of).toList());
        answer.put("plugins", manager.plugins());
        return Reply.of(write(answer));
    }

    private Map<String, Object> base(boolean ok) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", ok);
        answer.put("pid", pid);
        answer.put("uptime_s", Duration.between(started, clock.instant()).toSeconds());
        return answer;
    }

    private Reply error(String message) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", false);
        answer.put("error", message);
        return Reply.of(write(answer));
    }

    private String write(Map<String, Object> answer) {
        try {
            return json.writeValueAsString(answer);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the answer", e);
        }
    }

    private static String text(JsonNode request, String field) throws BadRequest {
        JsonNode node = request.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new BadRequest("bad request: '" + field + "' is missing (expected one of "
                    + String.join(", ", COMMANDS) + ")");
        }
        return node.asText();
    }

    private static List<String> strings(JsonNode request, String field) throws BadRequest {
        JsonNode node = request.get(field);
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new BadRequest("bad request: '" + field + "' must be a list of strings");
        }
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new BadRequest("bad request: '" + field + "' must be a list of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** A request the daemon cannot act on; its message goes back to the client. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
