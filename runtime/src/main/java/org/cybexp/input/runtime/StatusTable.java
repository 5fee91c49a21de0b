package org.cybexp.input.runtime;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The daemon's status answer as a table for people. DEAD-LETTERS counts the records the API refused for good
 * and that are still kept ({@code deadletters list}); DELIVERY says what the delivery of the input's outbox
 * does (e.g. {@code retry in 12s after 503}, {@code token rejected}, {@code last 5m ago}); failing fetches show
 * as state BACKING_OFF and in LAST-ERROR.
 */
final class StatusTable {

    private static final String[] HEADERS = {"NAME", "PLUGIN", "STATE", "FETCHED", "DELIVERED", "DEAD-LETTERS",
        "OUTBOX", "DELIVERY", "NEXT-RUN", "LAST-ERROR"};
    private static final int MAX_ERROR = 100;

    private StatusTable() {
    }

    static String render(DaemonClient.Answer answer) {
        return render(answer, Instant.now());
    }

    /** @param now the time relative times (retry in, last delivery ago) are counted from */
    static String render(DaemonClient.Answer answer, Instant now) {
        StringBuilder out = new StringBuilder();
        out.append("cybexp-input running, pid ").append(answer.body().get("pid")).append(", up ")
                .append(uptime(answer.body().get("uptime_s"))).append(", plugins: ");
        List<Object> plugins = answer.list("plugins");
        out.append(plugins.isEmpty() ? "(none)" : String.join(" ", plugins.stream().map(String::valueOf).toList()))
                .append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADERS);
        for (Object item : answer.list("inputs")) {
            if (item instanceof Map<?, ?> input) {
                rows.add(row(input, now));
            }
        }
        if (rows.size() == 1) {
            return out.append("no inputs: add etc/cybexp.source.<plugin>-<name>.cfg\n").toString();
        }
        return out.append(Columns.render(rows)).toString();
    }

    private static String[] row(Map<?, ?> input, Instant now) {
        String error = text(input.get("config_error"));
        error = error.isEmpty() ? text(input.get("last_error")) : "new config refused: " + error;
        if (error.length() > MAX_ERROR) {
            error = error.substring(0, MAX_ERROR - 3) + "...";
        }
        String next = text(input.get("next_run"));
        Object held = input.get("dead_letters");
        return new String[] {text(input.get("name")), text(input.get("plugin")), text(input.get("state")),
            text(input.get("fetched")), text(input.get("delivered")),
            text(held != null ? held : input.get("dead_lettered")), text(input.get("outbox_depth")),
            delivery(input, now), next.isEmpty() ? "-" : next.replaceFirst("\\.\\d+Z$", "Z"),
            error.isEmpty() ? "-" : error.replace('\n', ' ')};
    }

    /** The delivery state in a few words. */
    static String delivery(Map<?, ?> input, Instant now) {
        String state = text(input.get("delivery_state"));
        switch (state) {
            case "TOKEN_REJECTED":
                return "token rejected";
            case "DELIVERING":
                return "delivering";
            case "RETRYING":
                Instant at = instant(input.get("delivery_retry_at"));
                String when = at == null || !at.isAfter(now) ? "retry now" : "retry in " + span(now, at);
                String error = text(input.get("delivery_error"));
                return error.matches("\\d{3}( .*)?") ? when + " after " + error.substring(0, 3) : when;
            default:
                Instant last = instant(input.get("last_delivery"));
                return last == null ? "-" : "last " + (last.isAfter(now) ? "0s" : span(last, now)) + " ago";
        }
    }

    /** A duration in its largest whole unit: 12s, 4m, 3h, 2d. */
    private static String span(Instant from, Instant to) {
        long s = Duration.between(from, to).toSeconds();
        return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m" : s < 86_400 ? (s / 3600) + "h" : (s / 86_400) + "d";
    }

    private static Instant instant(Object value) {
        try {
            return value == null ? null : Instant.parse(value.toString());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String uptime(Object seconds) {
        long s = seconds instanceof Number n ? n.longValue() : 0;
        return s >= 3600 ? (s / 3600) + "h" + (s % 3600 / 60) + "m" : s >= 60 ? (s / 60) + "m" + (s % 60) + "s"
                : s + "s";
    }

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }
}
