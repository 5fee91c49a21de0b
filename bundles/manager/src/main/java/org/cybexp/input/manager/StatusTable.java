package org.cybexp.input.manager;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.cybexp.input.core.control.DeliveryState;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;

/**
 * The status table people read, the one rendering of it: the CLI's {@code status} prints what the daemon
 * renders here, and the shell's {@code cybexp:status} prints the same. DEAD-LETTERS counts the records the
 * API refused for good that are still kept; DELIVERY says what the delivery of the input's outbox does;
 * DETAIL is the plugin's progress line; LAST-ERROR the newest error with its age, until a success follows it.
 */
public final class StatusTable {

    private static final String[] HEADERS = {"NAME", "PLUGIN", "STATE", "FETCHED", "DELIVERED", "DEAD-LETTERS",
        "OUTBOX", "DELIVERY", "NEXT-RUN", "DETAIL", "LAST-ERROR"};
    static final int MAX_ERROR = 120;
    static final int MAX_DETAIL = 40;

    private StatusTable() {
    }

    /**
     * @param pid the daemon's process id
     * @param uptime how long it runs
     * @param plugins the active plugins
     * @param inputs the inputs to show, in order
     * @param now the time relative times (retry in, ago) are counted from
     */
    public static String render(long pid, Duration uptime, List<String> plugins, List<InputStatus> inputs,
            Instant now) {
        StringBuilder out = new StringBuilder("cybexp-input running, pid ").append(pid).append(", up ")
                .append(uptime(uptime.toSeconds())).append(", plugins: ")
                .append(plugins.isEmpty() ? "(none)" : String.join(" ", plugins)).append('\n');
        if (inputs.isEmpty()) {
            return out.append("no inputs: add etc/cybexp.source.<plugin>-<name>.cfg\n").toString();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADERS);
        inputs.forEach(s -> rows.add(row(s, now)));
        return out.append(columns(rows)).toString();
    }

    /** One input in full, a field a line: what {@code status -n NAME} adds below the table. */
    public static String detail(InputStatus s, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"input", s.name() + " (" + s.plugin() + ")"});
        rows.add(new String[] {"state", String.valueOf(s.state())});
        rows.add(new String[] {"detail", dash(s.detail())});
        rows.add(new String[] {"fetched", s.fetched() + " (" + s.duplicates() + " duplicates, " + s.malformed()
            + " malformed)"});
        rows.add(new String[] {"delivered", s.delivered() + ", last " + ago(s.lastDelivery(), now)});
        rows.add(new String[] {"delivery", delivery(s, now)});
        rows.add(new String[] {"outbox", s.outboxDepth() + " waiting"});
        rows.add(new String[] {"dead letters", s.deadLetters() + " kept (" + s.deadLettered() + " refused)"});
        rows.add(new String[] {"fetch failures", s.fetchFailures() + " (" + s.consecutiveFailures()
            + " in a row)"});
        rows.add(new String[] {"last success", time(s.lastSuccess()) + " (" + ago(s.lastSuccess(), now) + ")"});
        rows.add(new String[] {"next run", time(s.nextRun())});
        rows.add(new String[] {"last error", s.lastError() == null ? "-"
            : (s.lastErrorAt() == null ? "" : ago(s.lastErrorAt(), now) + ": ") + oneLine(s.lastError())});
        rows.add(new String[] {"delivery error", s.deliveryError() == null ? "-" : oneLine(s.deliveryError())});
        rows.add(new String[] {"config error", s.configError() == null ? "-" : oneLine(s.configError())});
        if (s.refused() > 0) {
            rows.add(new String[] {"refused", s.refused() + " (outbox full; the senders were told)"});
        }
        s.details().forEach((key, value) -> rows.add(new String[] {key, StatusDetailText.of(value)}));
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            out.append(String.format("  %-15s %s%n", row[0] + ":", row[1]));
        }
        return out.toString();
    }

    private static String[] row(InputStatus s, Instant now) {
        return new String[] {s.name(), s.plugin(), String.valueOf(s.state()), Long.toString(s.fetched()),
            Long.toString(s.delivered()), Long.toString(s.deadLetters()), Long.toString(s.outboxDepth()),
            delivery(s, now), time(s.nextRun()), cut(dash(s.detail()), MAX_DETAIL), cut(error(s, now), MAX_ERROR)};
    }

    /**
     * The error worth showing: a refused new configuration, else the last error with its age, unless the input
     * succeeded since (a fetch or a delivery after it, and nothing failing now). Config errors start with the
     * key, so cutting a long one keeps the key.
     */
    static String error(InputStatus s, Instant now) {
        if (s.configError() != null && !s.configError().isBlank()) {
            return s.state() == InputState.INVALID_CONFIG ? oneLine(s.configError())
                    : "new config refused: " + oneLine(s.configError());
        }
        if (s.lastError() == null || s.lastError().isBlank()) {
            return "-";
        }
        Instant at = s.lastErrorAt();
        if (at != null && recoveredSince(s, at)) {
            return "-";
        }
        return (at == null ? "" : ago(at, now) + ": ") + oneLine(s.lastError());
    }

    private static boolean recoveredSince(InputStatus s, Instant at) {
        boolean succeeded = s.lastSuccess() != null && s.lastSuccess().isAfter(at)
                || s.lastDelivery() != null && s.lastDelivery().isAfter(at);
        boolean failingNow = s.state() == InputState.BACKING_OFF || s.deliveryState() == DeliveryState.RETRYING
                || s.deliveryState() == DeliveryState.TOKEN_REJECTED || s.deliveryState() == DeliveryState.WRONG_ENDPOINT;
        return succeeded && !failingNow;
    }

    /** The delivery state in a few words. */
    static String delivery(InputStatus s, Instant now) {
        DeliveryState state = s.deliveryState() == null ? DeliveryState.IDLE : s.deliveryState();
        switch (state) {
            case TOKEN_REJECTED:
                return "token rejected";
            case WRONG_ENDPOINT:
                return "wrong endpoint";
            case DELIVERING:
                return "delivering";
            case RETRYING:
                Instant at = s.deliveryRetryAt();
                String when = at == null || !at.isAfter(now) ? "retry now" : "retry in " + span(now, at);
                String error = s.deliveryError() == null ? "" : s.deliveryError();
                return error.matches("\\d{3}( .*)?") ? when + " after " + error.substring(0, 3) : when;
            default:
                return s.lastDelivery() == null ? "-" : "last " + ago(s.lastDelivery(), now);
        }
    }

    private static String ago(Instant at, Instant now) {
        return at == null ? "never" : (at.isAfter(now) ? "0s" : span(at, now)) + " ago";
    }

    /** A duration in its largest whole unit: 12s, 4m, 3h, 2d. */
    private static String span(Instant from, Instant to) {
        long s = Duration.between(from, to).toSeconds();
        return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m" : s < 86_400 ? (s / 3600) + "h" : (s / 86_400) + "d";
    }

    private static String uptime(long s) {
        return s >= 3600 ? (s / 3600) + "h" + (s % 3600 / 60) + "m" : s >= 60 ? (s / 60) + "m" + (s % 60) + "s"
                : s + "s";
    }

    private static String time(Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String dash(String text) {
        return text == null || text.isBlank() ? "-" : oneLine(text);
    }

    private static String oneLine(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    /** Rows as left-aligned columns two spaces apart; the last column is not padded. */
    private static String columns(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] + 2 - row[i].length()));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
