package org.cybexp.input.source.syslog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * One received message as a line of the posted NDJSON: {@code received_at}, {@code sender}, {@code protocol},
 * {@code format}, {@code facility}, {@code severity}, {@code timestamp}, {@code hostname}, {@code app_name},
 * {@code procid}, {@code msgid}, {@code structured_data}, {@code message}, {@code raw} (or {@code raw_base64}
 * when the bytes are not UTF-8), {@code parse_error}, {@code truncated}. Bytes that are not UTF-8 are parsed
 * with U+FFFD in their place: the message, its connection and the listener go on.
 */
final class MessageJson {

    private final JsonFactory json = JsonFactory.builder().build();
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length * 2 + 256);
        try (JsonGenerator g = json.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("received_at", receivedAt.toString());
            g.writeStringField("sender", sender);
            g.writeStringField("protocol", protocol);
            g.writeStringField("format", m.format);
            number(g, "facility", m.facility);
            number(g, "severity", m.severity);
            string(g, "timestamp", m.timestamp);
            string(g, "hostname", m.hostname);
            string(g, "app_name", m.appName);
            string(g, "procid", m.procid);
            string(g, "msgid", m.msgid);
            g.writeObjectFieldStart("structured_data");
            for (Map.Entry<String, Map<String, Object>> element : m.structuredData.entrySet()) {
                g.writeObjectFieldStart(element.getKey());
                for (Map.Entry<String, Object> param : element.getValue().entrySet()) {
                    if (param.getValue() instanceof List<?> values) {
                        g.writeArrayFieldStart(param.getKey());
                        for (Object value : values) {
                            g.writeString(value.toString());
                        }
                        g.writeEndArray();
                    } else {
                        g.writeStringField(param.getKey(), param.getValue().toString());
                    }
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            string(g, "message", m.message);
            if (utf8) {
                g.writeStringField("raw", text);
            } else {
                g.writeStringField("raw_base64", Base64.getEncoder().encodeToString(raw));
            }
            String error = m.parseError();
            if (!utf8 && !anyOctetsAllowed(m, text)) {
                error = error == null ? "not UTF-8" : error + "; not UTF-8";
            }
            string(g, "parse_error", error);
            if (truncated) {
                g.writeBooleanField("truncated", true);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // into memory: does not happen
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    private static void string(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        } else {
            g.writeNullField(name);
        }
    }

    private static void number(JsonGenerator g, String name, Integer value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value);
        } else {
            g.writeNullField(name);
        }
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
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
