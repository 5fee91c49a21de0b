package org.cybexp.input.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The daemon's {@code deadletters} answers as text for people. */
final class DeadLetterText {

    private static final String[] HEADERS = {"ID", "INPUT", "STATUS", "REFUSED-AT", "SIZE", "TYPETAG", "MESSAGE"};
    private static final int MAX_MESSAGE = 100;
    private static final int MAX_IDS_SHOWN = 10;

    private DeadLetterText() {
    }

    /** One line per dead letter, oldest first within each input. */
    static String list(DaemonClient.Answer answer) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADERS);
        for (Object item : answer.list("deadletters")) {
            if (item instanceof Map<?, ?> letter) {
                rows.add(new String[] {text(letter.get("id")), text(letter.get("input")),
                    text(letter.get("status")), instant(letter.get("at")), text(letter.get("size")),
                    orDash(text(letter.get("typetag"))), orDash(oneLine(text(letter.get("message"))))});
            }
        }
        if (rows.size() == 1) {
            return "no dead letters\n";
        }
        return Columns.render(rows);
    }

    /** The fields of one dead letter, then the start of its event (or a note that it is binary). */
    static String show(DaemonClient.Answer answer) {
        Object value = answer.body().get("deadletter");
        Map<?, ?> letter = value instanceof Map<?, ?> map ? map : Map.of();
        StringBuilder out = new StringBuilder();
        field(out, "id", text(letter.get("id")));
        field(out, "input", text(letter.get("input")));
        field(out, "refused", instant(letter.get("at")) + "  " + text(letter.get("status")) + " "
                + text(letter.get("message")));
        field(out, "typetag", text(letter.get("typetag")));
        field(out, "orgid", text(letter.get("orgid")));
        field(out, "timezone", text(letter.get("timezone")));
        field(out, "event", text(letter.get("size")) + " bytes, " + text(letter.get("media_type")));
        field(out, "file", text(letter.get("file")));
        if (Boolean.TRUE.equals(letter.get("binary"))) {
            return out.append("--- binary content, not shown: see the file ---\n").toString();
        }
        boolean truncated = Boolean.TRUE.equals(letter.get("truncated"));
        out.append(truncated ? "--- first " + text(letter.get("body_bytes")) + " bytes ---\n" : "--- content ---\n");
        String body = text(letter.get("body"));
        out.append(body);
        if (!body.isEmpty() && !body.endsWith("\n")) {
            out.append('\n');
        }
        return out.append(truncated ? "--- (more in the file) ---\n" : "--- end ---\n").toString();
    }

    /** What replay or purge did, e.g. {@code replayed 2 dead letters: main/... main/...}. */
    static String done(String verb, List<Object> ids) {
        if (ids.isEmpty()) {
            return "no dead letters " + verb + "\n";
        }
        List<String> shown = ids.stream().limit(MAX_IDS_SHOWN).map(String::valueOf).toList();
        String more = ids.size() > MAX_IDS_SHOWN ? " ... (" + (ids.size() - MAX_IDS_SHOWN) + " more)" : "";
        return verb + " " + ids.size() + (ids.size() == 1 ? " dead letter: " : " dead letters: ")
                + String.join(" ", shown) + more + "\n";
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(String.format("%-10s%s", name + ":", value.isEmpty() ? "-" : value)).append('\n');
    }

    private static String oneLine(String message) {
        String line = message.replace('\n', ' ').replace('\r', ' ');
        return line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE - 3) + "..." : line;
    }

    private static String instant(Object value) {
        String iso = text(value);
        return iso.isEmpty() ? "-" : iso.replaceFirst("\\.\\d+Z$", "Z");
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "-" : s;
    }

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }
}
