package org.cybexp.input.source.syslog;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 5424, strict then lenient in one pass: a message is taken for RFC 5424 when it starts with
 * {@code <PRI>VERSION SP}; every rule of the strict grammar it breaks is noted as a problem (shown as
 * {@code parse_error}) while the lenient reading keeps what it can (lowercase {@code t}/{@code z}, a timestamp
 * without offset, over-long fields, an unescaped {@code ]}, a duplicate SD-ID).
 */
final class Rfc5424 {

    private static final Pattern STRICT_TIME = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?(Z|[+-]\\d{2}:\\d{2})");
    private static final Pattern LENIENT_TIME = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[Tt ](\\d{2}:\\d{2}:\\d{2})(?:[.,](\\d+))?([Zz]|[+-]\\d{2}:?\\d{2})?");

    private final String s;
    private final ZoneId zone;
    private final ParsedMessage out = new ParsedMessage();
    private int pos;

    private Rfc5424(String s, ZoneId zone) {
        this.s = s;
        this.zone = zone;
    }

    /** The message read as RFC 5424, or null when it does not start like one ({@code <PRI>VERSION SP}). */
    static ParsedMessage parse(String s, ZoneId zone) {
        int pri = Pri.length(s);
        if (pri < 0) {
            return null;
        }
        int v = pri;
        while (v < s.length() && v - pri < 3 && Character.isDigit(s.charAt(v))) {
            v++;
        }
        if (v == pri || v >= s.length() || s.charAt(v) != ' ') {
            return null;
        }
        return new Rfc5424(s, zone).read(pri, v);
    }

    private ParsedMessage read(int priEnd, int versionEnd) {
        out.format = ParsedMessage.RFC5424;
        out.priority(Pri.value(s, priEnd));
        if (!Pri.strict(s, priEnd)) {
            out.problems.add("PRI with a leading zero");
        }
        String version = s.substring(priEnd, versionEnd);
        if (version.charAt(0) == '0') { // NONZERO-DIGIT 0*2DIGIT: 1 today, later versions keep the header
            out.problems.add("VERSION " + version + " with a leading zero");
        }
        pos = versionEnd + 1;
        String time = token();
        if (time == null) {
            return early("TIMESTAMP");
        }
        timestamp(time);
        out.hostname = field(token(), "HOSTNAME", 255);
        if (pos > s.length()) {
            return early("HOSTNAME");
        }
        out.appName = field(token(), "APP-NAME", 48);
        if (pos > s.length()) {
            return early("APP-NAME");
        }
        out.procid = field(token(), "PROCID", 128);
        if (pos > s.length()) {
            return early("PROCID");
        }
        out.msgid = field(token(), "MSGID", 32);
        if (pos > s.length()) {
            return early("MSGID");
        }
        if (pos >= s.length()) {
            out.problems.add("no STRUCTURED-DATA");
            return out;
        }
        int sdStart = pos;
        if (s.charAt(pos) == '-') {
            pos++;
        } else if (s.charAt(pos) == '[') {
            if (!structuredData()) {
                out.structuredData.clear(); // unreadable: the whole rest is the message, nothing is lost
                out.message = s.substring(sdStart);
                return out;
            }
        } else {
            out.problems.add("STRUCTURED-DATA neither '-' nor '['");
            out.message = s.substring(sdStart);
            return out;
        }
        if (pos < s.length()) {
            if (s.charAt(pos) != ' ') {
                out.problems.add("no space after STRUCTURED-DATA");
            } else {
                pos++;
            }
            String msg = s.substring(pos);
            out.bom = msg.startsWith("\uFEFF");
            out.message = out.bom ? msg.substring(1) : msg;
            out.headerEnd = pos;
        }
        return out;
    }

    private ParsedMessage early(String field) {
        out.problems.add("header ends before " + field);
        return out;
    }

    /** The next space-separated token; pos moves past its space (beyond the end when there is none). */
    private String token() {
        if (pos > s.length()) {
            return null;
        }
        int end = s.indexOf(' ', pos);
        String t;
        if (end < 0) {
            t = s.substring(pos);
            pos = s.length() + 1;
        } else {
            t = s.substring(pos, end);
            pos = end + 1;
        }
        return t;
    }

    private String field(String value, String name, int max) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty()) {
            out.problems.add("empty " + name);
            return null;
        }
        if (value.equals("-")) {
            return null;
        }
        if (value.length() > max) {
            out.problems.add(name + " longer than " + max);
        }
        if (!printable(value)) {
            out.problems.add(name + " not printable US-ASCII");
        }
        return value;
    }

    private void timestamp(String t) {
        if (t.equals("-")) {
            return;
        }
        if (STRICT_TIME.matcher(t).matches()) {
            try {
                // RFC 3339 as RFC 5424 restricts it is ISO-8601 already: check the values, keep the sender's text
                LocalDateTime.of(num(t, 0, 4), num(t, 5, 7), num(t, 8, 10), num(t, 11, 13), num(t, 14, 16),
                        num(t, 17, 19));
                char zone = t.charAt(t.length() - 1);
                if (zone != 'Z' && (num(t, t.length() - 5, t.length() - 3) > 23 || num(t, t.length() - 2,
                        t.length()) > 59)) {
                    throw new DateTimeParseException("offset", t, 0);
                }
                out.timestamp = t;
                return;
            } catch (DateTimeException e) {
                if (validBeyondJava(t)) {
                    out.timestamp = t; // an offset Java cannot hold (beyond +-18:00): the sender's text is ISO-8601
                    return;
                }
                out.problems.add("TIMESTAMP " + quote(t) + " is not a valid date or time");
                return;
            }
        }
        Matcher m = LENIENT_TIME.matcher(t);
        if (m.matches()) {
            String fraction = m.group(3) == null ? "" : "." + (m.group(3).length() > 9 ? m.group(3).substring(0, 9)
                    : m.group(3));
            try {
                LocalDateTime local = LocalDateTime.parse(m.group(1) + "T" + m.group(2) + fraction);
                String offset = m.group(4);
                OffsetDateTime at;
                if (offset == null) {
                    at = local.atZone(zone).toOffsetDateTime();
                    out.problems.add("TIMESTAMP without offset (read in " + zone + ")");
                } else {
                    at = OffsetDateTime.parse(local + (offset.equalsIgnoreCase("z") ? "Z"
                            : offset.length() == 5 ? offset.substring(0, 3) + ":" + offset.substring(3) : offset));
                    out.problems.add("TIMESTAMP " + quote(t) + " is not RFC 3339 as RFC 5424 restricts it");
                }
                out.timestamp = at.toString();
                return;
            } catch (DateTimeParseException e) {
                // falls through
            }
        }
        out.problems.add("TIMESTAMP " + quote(t) + " not understood");
    }

    private static int num(String t, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (t.charAt(i) - '0');
        }
        return v;
    }

    /** A valid date and time whose offset (up to 23:59, RFC 3339) is more than Java's +-18:00. */
    private static boolean validBeyondJava(String t) {
        int zone = t.length() - 6;
        if (zone < 19 || t.charAt(zone) == 'Z') {
            return false;
        }
        try {
            LocalDateTime.parse(t.substring(0, zone));
            int hours = Integer.parseInt(t.substring(zone + 1, zone + 3));
            int minutes = Integer.parseInt(t.substring(zone + 4));
            return hours <= 23 && minutes <= 59;
        } catch (DateTimeParseException | NumberFormatException e) {
            return false;
        }
    }

    /** Reads one or more SD-ELEMENTs at pos; false when they cannot be read at all. */
    private boolean structuredData() {
        while (pos < s.length() && s.charAt(pos) == '[') {
            pos++;
            int idEnd = nameEnd();
            String id = s.substring(pos, idEnd);
            if (id.isEmpty()) {
                out.problems.add("empty SD-ID");
                return false;
            }
            name(id, "SD-ID");
            pos = idEnd;
            Map<String, Object> params = out.structuredData.get(id);
            if (params != null) {
                out.problems.add("duplicate SD-ID " + quote(id));
            } else {
                params = new LinkedHashMap<>();
                out.structuredData.put(id, params);
            }
            while (pos < s.length() && s.charAt(pos) == ' ') {
                pos++;
                int nEnd = nameEnd();
                String param = s.substring(pos, nEnd);
                if (param.isEmpty()) {
                    out.problems.add("empty PARAM-NAME in " + quote(id));
                    return false;
                }
                name(param, "PARAM-NAME");
                pos = nEnd;
                if (pos + 1 >= s.length() || s.charAt(pos) != '=' || s.charAt(pos + 1) != '"') {
                    out.problems.add("PARAM " + quote(param) + " without =\"value\"");
                    return false;
                }
                pos += 2;
                String value = value();
                if (value == null) {
                    out.problems.add("PARAM-VALUE of " + quote(param) + " not closed");
                    return false;
                }
                add(params, param, value);
            }
            if (pos >= s.length() || s.charAt(pos) != ']') {
                out.problems.add("SD-ELEMENT " + quote(id) + " not closed by ']'");
                return false;
            }
            pos++;
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> params, String name, String value) {
        Object before = params.get(name);
        if (before == null) {
            params.put(name, value);
        } else if (before instanceof List<?> list) {
            ((List<Object>) list).add(value);
        } else {
            List<Object> values = new ArrayList<>();
            values.add(before);
            values.add(value);
            params.put(name, values);
        }
    }

    /** A PARAM-VALUE after its opening quote; exactly {@code \"}, {@code \\} and {@code \]} are escapes. */
    private String value() {
        StringBuilder v = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return v.toString();
            }
            if (c == '\\' && pos < s.length()) {
                char next = s.charAt(pos);
                if (next == '"' || next == '\\' || next == ']') {
                    v.append(next);
                    pos++;
                    continue;
                }
                out.problems.add("invalid escape '\\" + next + "' kept as it is"); // RFC 5424 6.3.3
                v.append(c);
                continue;
            }
            if (c == ']') {
                out.problems.add("unescaped ']' in a PARAM-VALUE");
            }
            v.append(c);
        }
        return null;
    }

    private int nameEnd() {
        int i = pos;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '=' || c == ' ' || c == ']' || c == '"') {
                break;
            }
            i++;
        }
        return i;
    }

    private void name(String name, String what) {
        if (name.length() > 32) {
            out.problems.add(what + " " + quote(name) + " longer than 32");
        }
        if (!printable(name)) {
            out.problems.add(what + " not printable US-ASCII");
        }
    }

    private static boolean printable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 33 || c > 126) {
                return false;
            }
        }
        return true;
    }

    static String quote(String value) {
        return "'" + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "'";
    }
}
