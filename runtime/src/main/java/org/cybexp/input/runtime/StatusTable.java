package org.cybexp.input.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The daemon's status answer as a table for people. FAILED counts records the API refused for good (kept in
 * the dead-letter folder); failing fetches show as state BACKING_OFF and in LAST-ERROR.
 */
final class StatusTable {

    private static final String[] HEADERS = {"NAME", "PLUGIN", "STATE", "FETCHED", "DELIVERED", "FAILED", "OUTBOX",
        "NEXT-RUN", "LAST-ERROR"};
    private static final int MAX_ERROR = 100;

    private StatusTable() {
    }

    static String render(DaemonClient.Answer answer) {
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
                rows.add(row(input));
            }
        }
        if (rows.size() == 1) {
            return out.append("no inputs: add etc/cybexp.source.<plugin>-<name>.cfg\n").toString();
        }
        int[] widths = new int[HEADERS.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : pad(row[i], widths[i] + 2));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static String[] row(Map<?, ?> input) {
        String error = text(input.get("config_error"));
        error = error.isEmpty() ? text(input.get("last_error")) : "new config refused: " + error;
        if (error.length() > MAX_ERROR) {
            error = error.substring(0, MAX_ERROR - 3) + "...";
        }
        String next = text(input.get("next_run"));
        return new String[] {text(input.get("name")), text(input.get("plugin")), text(input.get("state")),
            text(input.get("fetched")), text(input.get("delivered")), text(input.get("dead_lettered")),
            text(input.get("outbox_depth")), next.isEmpty() ? "-" : next.replaceFirst("\\.\\d+Z$", "Z"),
            error.isEmpty() ? "-" : error.replace('\n', ' ')};
    }

    private static String uptime(Object seconds) {
        long s = seconds instanceof Number n ? n.longValue() : 0;
        return s >= 3600 ? (s / 3600) + "h" + (s % 3600 / 60) + "m" : s >= 60 ? (s / 60) + "m" + (s % 60) + "s"
                : s + "s";
    }

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(1, width - s.length()));
    }
}
