package org.cybexp.input.source.syslog;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One received message as a line of the posted NDJSON: {@code received_at}, {@code sender}, {@code protocol},
 * {@code format}, {@code facility}, {@code severity}, {@code timestamp}, {@code hostname}, {@code app_name},
 * {@code procid}, {@code msgid}, {@code structured_data}, {@code message}, {@code raw} (or {@code raw_base64}
 * when the bytes are not UTF-8), {@code parse_error}, {@code truncated}. Bytes that are not UTF-8 are parsed
 * with U+FFFD in their place: the message, its connection and the listener go on.
 */
final class MessageJson {

    /** One buffer per event loop thread: a line is built without allocating a generator per message. */
    private final ThreadLocal<StringBuilder> buffers = ThreadLocal.withInitial(() -> new StringBuilder(1024));
    /** The last received_at written per thread: thousands of messages share a millisecond. */
    private final ThreadLocal<Object[]> lastTime = ThreadLocal.withInitial(() -> new Object[] {Long.MIN_VALUE, ""});
    private final SyslogParser parser;
    private final String protocol;

    MessageJson(SyslogParser parser, String protocol) {
        this.parser = parser;
        this.protocol = protocol;
    }

    /** The NDJSON line (with its {@code \n}) for one message's bytes. */
    byte[] line(byte[] raw, String sender, Instant receivedAt, boolean truncated) {
        String text = utf8(raw);
        boolean utf8 = text != null;
        if (!utf8) {
            text = new String(raw, StandardCharsets.UTF_8); // malformed bytes become U+FFFD
        }
        ParsedMessage m = parser.parse(text);
        StringBuilder g = buffers.get();
        g.setLength(0);
        g.append("{\"received_at\":\"").append(time(receivedAt)).append('"');
        string(g, "sender", sender);
        string(g, "protocol", protocol);
        string(g, "format", m.format);
        g.append(",\"facility\":").append(m.facility == null ? "null" : m.facility.toString());
        g.append(",\"severity\":").append(m.severity == null ? "null" : m.severity.toString());
        string(g, "timestamp", m.timestamp);
        string(g, "hostname", m.hostname);
        string(g, "app_name", m.appName);
        string(g, "procid", m.procid);
        string(g, "msgid", m.msgid);
        g.append(",\"structured_data\":{");
        boolean firstElement = true;
        for (Map.Entry<String, Map<String, Object>> element : m.structuredData.entrySet()) {
            g.append(firstElement ? "" : ",");
            firstElement = false;
            quoted(g, element.getKey()).append(":{");
            boolean firstParam = true;
            for (Map.Entry<String, Object> param : element.getValue().entrySet()) {
                g.append(firstParam ? "" : ",");
                firstParam = false;
                quoted(g, param.getKey()).append(':');
                if (param.getValue() instanceof List<?> values) {
                    g.append('[');
                    for (int i = 0; i < values.size(); i++) {
                        quoted(g.append(i == 0 ? "" : ","), values.get(i).toString());
                    }
                    g.append(']');
                } else {
                    quoted(g, param.getValue().toString());
                }
            }
            g.append('}');
        }
        g.append('}');
        string(g, "message", m.message);
        if (utf8) {
            string(g, "raw", text);
        } else {
            string(g, "raw_base64", Base64.getEncoder().encodeToString(raw));
        }
        String error = m.parseError();
        if (!utf8 && !anyOctetsAllowed(m, text)) {
            error = error == null ? "not UTF-8" : error + "; not UTF-8";
        }
        string(g, "parse_error", error);
        if (truncated) {
            g.append(",\"truncated\":true");
        }
        g.append("}\n");
        return g.toString().getBytes(StandardCharsets.UTF_8);
    }

    private String time(Instant at) {
        Object[] last = lastTime.get();
        long millis = at.toEpochMilli();
        if ((long) last[0] != millis) {
            last[0] = millis;
            last[1] = Instant.ofEpochMilli(millis).toString();
        }
        return (String) last[1];
    }

    private static void string(StringBuilder g, String name, String value) {
        g.append(",\"").append(name).append("\":");
        if (value == null) {
            g.append("null");
        } else {
            quoted(g, value);
        }
    }

    /** A JSON string: quote, backslash and control characters escaped (RFC 8259), the rest as it is. */
    static StringBuilder quoted(StringBuilder g, String value) {
        g.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> g.append("\\\"");
                case '\\' -> g.append("\\\\");
                case '\n' -> g.append("\\n");
                case '\r' -> g.append("\\r");
                case '\t' -> g.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        g.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        g.append(c);
                    }
                }
            }
        }
        return g.append('"');
    }

    /**
     * Whether bytes that are not UTF-8 are allowed where they are: in RFC 5424 only in a MSG without a BOM
     * (MSG-ANY); RFC 3164 names no character set at all.
     */
    private static boolean anyOctetsAllowed(ParsedMessage m, String text) {
        if (!m.format.equals(ParsedMessage.RFC5424)) {
            return true;
        }
        return !m.bom && m.headerEnd >= 0 && text.substring(0, m.headerEnd).indexOf('\uFFFD') < 0;
    }

    /** The bytes as text, or null when they are not UTF-8. */
    static String utf8(byte[] raw) {
        boolean ascii = true;
        for (byte b : raw) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(raw, StandardCharsets.US_ASCII); // the common case, without a decoder
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
