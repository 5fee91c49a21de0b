package org.cybexp.input.source.syslog;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 3164 (BSD syslog) and the variants real senders emit: Cisco sequence numbers ({@code 29: }) and the
 * {@code *} / {@code .} clock-sync markers before the time, {@code Mmm dd yyyy hh:mm:ss} and milliseconds
 * (Cisco ASA/PIX), ISO timestamps, a year first ({@code 2015 Nov 13 ...}), no hostname, no PRI, no timestamp.
 * Nothing is ever dropped: what is not understood stays in {@code message}. A time without a year gets the year
 * nearest to the moment it is read (a December message read in January is last year's).
 */
final class Rfc3164 {

    private static final String MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec";
    private static final Map<String, Integer> MONTH = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
            Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6),
            Map.entry("jul", 7), Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10),
            Map.entry("nov", 11), Map.entry("dec", 12));
    private static final Pattern SEQUENCE = Pattern.compile("\\d{1,10}: ");
    /** Cisco with a hostname before the time: {@code 29: foo: *Apr 29 ...}. */
    private static final Pattern CISCO_HOST = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_.\\-]*): (?=[*.]?(?:"
            + MONTHS + ") )");
    private static final Pattern BSD = Pattern.compile("((?i:" + MONTHS + "))  ?(\\d{1,2})(?: (\\d{4}))? "
            + "(\\d{1,2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(?: (\\d{4})(?= ))?"
            + "(?: (UTC|GMT|[A-Z][SD]T|CET|CEST|EET|EEST|MSK|IST|JST|AEST))?(?=[: ]|$):?");
    private static final Pattern YEAR_FIRST = Pattern.compile("(\\d{4}) (" + MONTHS + ")  ?(\\d{1,2}) "
            + "(\\d{2}):(\\d{2}):(\\d{2})(?=[: ]|$):?");
    private static final Pattern ISO = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})[Tt ](\\d{2}:\\d{2}:\\d{2})"
            + "(?:[.,](\\d{1,9})\\d*)?([Zz]|[+-]\\d{2}:?\\d{2})?(?=[: ]|$):?");
    /** A Cisco IOS-XR/NX-OS node before the time: {@code RP/0/RP0/CPU0:}, {@code CLC 6/0: }. */
    private static final Pattern CISCO_NODE = Pattern.compile("(?:RP/[^:\\s]+|LC/[^:\\s]+|CLC \\d+/\\d+"
            + "|\\d+/\\d+/[^:\\s]+): ?(?=[*.]?(?:" + MONTHS + ") )");
    /** AIX's relay: {@code Message forwarded from HOST: }. */
    private static final Pattern AIX_FORWARDED = Pattern.compile("Message forwarded from ([^:\\s]+): ");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern TAG = Pattern.compile("([^\\s\\[\\]:]{1,64})(?:\\[([^\\]\\s]{0,128})\\])?:");
    private static final List<String> UTC_NAMES = List.of("UTC", "GMT", "UT", "Z");

    private Rfc3164() {
    }

    static ParsedMessage parse(String s, ZoneId zone, Instant now) {
        ParsedMessage out = new ParsedMessage();
        int pos = Pri.length(s);
        if (pos < 0) {
            pos = 0;
            out.problems.add("no PRI");
        } else {
            out.priority(Pri.value(s, pos));
        }
        pos = skipSpaces(s, pos);
        Matcher seq = SEQUENCE.matcher(s).region(pos, s.length());
        if (seq.lookingAt()) {
            pos = seq.end();
        }
        Matcher ciscoHost = CISCO_HOST.matcher(s).region(pos, s.length());
        if (ciscoHost.lookingAt()) {
            out.hostname = ciscoHost.group(1);
            pos = ciscoHost.end();
        }
        Matcher node = CISCO_NODE.matcher(s).region(pos, s.length());
        if (out.hostname == null && node.lookingAt()) {
            pos = node.end(); // which card of the router: not a host (the raw line keeps it)
        }
        if (pos < s.length() && (s.charAt(pos) == '*' || s.charAt(pos) == '.')) {
            int marked = pos + 1;
            if (timestamp(s, marked, zone, now, out) > 0) {
                pos = marked; // the marker only says whether the clock is synchronised
            }
        }
        int end = timestamp(s, pos, zone, now, out);
        boolean timed = end > 0;
        if (timed) {
            pos = skipSpaces(s, end);
        } else {
            out.problems.add("no timestamp");
        }
        if (out.hostname == null) {
            pos = hostname(s, pos, timed, out);
        }
        Matcher tag = TAG.matcher(s).region(pos, s.length());
        if (tag.lookingAt() && (tag.end() == s.length() || s.charAt(tag.end()) == ' ')) {
            out.appName = tag.group(1);
            out.procid = tag.group(2) == null || tag.group(2).isEmpty() ? null : tag.group(2);
            if (!out.appName.startsWith("%")) { // a Cisco mnemonic stays part of the message too
                pos = Math.min(s.length(), tag.end() + 1);
            }
        }
        out.message = s.substring(pos);
        out.format = out.facility != null || timed ? ParsedMessage.RFC3164 : ParsedMessage.UNKNOWN;
        return out;
    }

    /** Takes the next token as the hostname where a sender put one; returns the position after it. */
    private static int hostname(String s, int pos, boolean timed, ParsedMessage out) {
        Matcher forwarded = AIX_FORWARDED.matcher(s).region(pos, s.length());
        if (forwarded.lookingAt()) {
            out.hostname = forwarded.group(1);
            return forwarded.end();
        }
        int end = s.indexOf(' ', pos);
        if (end < 0) {
            end = s.length(); // a header and no message: "<14>Aug 30 23:00:05 X4711"
        }
        if (end <= pos) {
            return pos;
        }
        String token = s.substring(pos, end);
        if (timed && IPV6.matcher(token.endsWith(":") && !token.endsWith("::") ? token.substring(0,
                token.length() - 1) : token).matches() && token.chars().filter(c -> c == ':').count() >= 2) {
            out.hostname = token.endsWith(":") && !token.endsWith("::") ? token.substring(0, token.length() - 1)
                    : token; // an IPv6 address, colons and all
            return skipSpaces(s, end);
        }
        int next = skipSpaces(s, end);
        // "host : %ASA-..." and "host: %ASA-..." (Cisco ASA with a name and no time)
        if (s.startsWith(" : ", end) && hostLike(token, 0)) {
            out.hostname = token;
            return skipSpaces(s, end + 3);
        }
        if (token.endsWith(":") && token.length() > 1 && s.startsWith("%", next) && hostLike(token, 1)) {
            out.hostname = token.substring(0, token.length() - 1);
            return next;
        }
        if (!timed || token.endsWith(":") || token.contains("[") || token.startsWith("%") || !hostLike(token, 0)) {
            return pos; // a tag or the message itself: no hostname
        }
        out.hostname = token;
        return next;
    }

    private static boolean hostLike(String token, int cut) {
        for (int i = 0; i < token.length() - cut; i++) {
            char c = token.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == ':' || c == '@'
                    || c == '/')) {
                return false;
            }
        }
        return true;
    }

    /** Reads a timestamp at pos into out; returns the index after it (and its colon), or -1. */
    private static int timestamp(String s, int pos, ZoneId zone, Instant now, ParsedMessage out) {
        Matcher m = BSD.matcher(s).region(pos, s.length());
        try {
            if (m.lookingAt()) {
                int month = MONTH.get(m.group(1).toLowerCase(Locale.ROOT));
                int day = Integer.parseInt(m.group(2));
                int nanos = nanos(m.group(7));
                ZoneId at = zoneOf(m.group(9), zone);
                String year = m.group(3) != null ? m.group(3) : m.group(8); // "Apr 15 2007 21:28:13", "... 21:28:13 2007"
                LocalDateTime time;
                if (year != null) {
                    time = LocalDateTime.of(Integer.parseInt(year), month, day,
                            Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)),
                            nanos);
                } else {
                    time = nearestYear(month, day, Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                            Integer.parseInt(m.group(6)), nanos, at, now);
                    if (time == null) {
                        return -1;
                    }
                }
                out.timestamp = time.atZone(at).toOffsetDateTime().toString();
                return m.end();
            }
            m = YEAR_FIRST.matcher(s).region(pos, s.length());
            if (m.lookingAt()) {
                LocalDateTime time = LocalDateTime.of(Integer.parseInt(m.group(1)),
                        MONTH.get(m.group(2).toLowerCase(Locale.ROOT)), Integer.parseInt(m.group(3)),
                        Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
                out.timestamp = time.atZone(zone).toOffsetDateTime().toString();
                return m.end();
            }
            m = ISO.matcher(s).region(pos, s.length());
            if (m.lookingAt()) {
                String fraction = m.group(3) == null ? "" : "." + m.group(3);
                LocalDateTime local = LocalDateTime.parse(m.group(1) + "T" + m.group(2) + fraction);
                String offset = m.group(4);
                OffsetDateTime time;
                if (offset == null) {
                    time = local.atZone(zone).toOffsetDateTime();
                } else if (offset.equalsIgnoreCase("z")) {
                    time = local.atOffset(ZoneOffset.UTC);
                } else {
                    time = local.atOffset(ZoneOffset.of(offset.length() == 5
                            ? offset.substring(0, 3) + ":" + offset.substring(3) : offset));
                }
                out.timestamp = time.toString();
                return m.end();
            }
        } catch (DateTimeException | NumberFormatException e) {
            return -1; // "Feb 30", hour 25: not a timestamp, the text stays in the message
        }
        return -1;
    }

    private static int nanos(String fraction) {
        if (fraction == null) {
            return 0;
        }
        String nine = (fraction + "000000000").substring(0, 9);
        return Integer.parseInt(nine);
    }

    private static ZoneId zoneOf(String name, ZoneId fallback) {
        if (name == null) {
            return fallback;
        }
        if (UTC_NAMES.contains(name)) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(name, ZoneId.SHORT_IDS);
        } catch (DateTimeException e) {
            return fallback;
        }
    }

    /** The year that puts month/day nearest to now (of the previous, this and the next year). */
    static LocalDateTime nearestYear(int month, int day, int hour, int minute, int second, int nanos, ZoneId zone,
            Instant now) {
        int year = now.atZone(zone).getYear();
        LocalDateTime best = null;
        long bestDistance = Long.MAX_VALUE;
        for (int y = year - 1; y <= year + 1; y++) {
            try {
                LocalDateTime candidate = LocalDateTime.of(y, month, day, hour, minute, second, nanos);
                ZonedDateTime at = candidate.atZone(zone);
                long distance = Math.abs(Duration.between(now, at.toInstant()).toSeconds());
                if (distance < bestDistance) {
                    best = candidate;
                    bestDistance = distance;
                }
            } catch (DateTimeException e) {
                // Feb 29 outside a leap year
            }
        }
        return best;
    }

    private static int skipSpaces(String s, int pos) {
        while (pos < s.length() && s.charAt(pos) == ' ') {
            pos++;
        }
        return pos;
    }
}
