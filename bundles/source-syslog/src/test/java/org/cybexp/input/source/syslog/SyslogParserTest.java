package org.cybexp.input.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class SyslogParserTest {

    private static final Instant JAN_2 = Instant.parse("2026-01-02T10:00:00Z");
    private final SyslogParser parser = new SyslogParser(ZoneOffset.UTC, Clock.fixed(JAN_2, ZoneOffset.UTC));

    @Test
    void rfc5424StrictWithStructuredDataAndBom() {
        ParsedMessage m = parser.parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
                + "[examplePriority@32473 class=\"high\"] \uFEFFAn application event log entry...");
        assertEquals("rfc5424", m.format);
        assertEquals(20, m.facility);
        assertEquals(5, m.severity);
        assertEquals("2003-10-11T22:14:15.003Z", m.timestamp);
        assertEquals("mymachine.example.com", m.hostname);
        assertEquals("evntslog", m.appName);
        assertNull(m.procid);
        assertEquals("ID47", m.msgid);
        assertEquals(Map.of("iut", "3", "eventSource", "Application", "eventID", "1011"),
                m.structuredData.get("exampleSDID@32473"));
        assertEquals(Map.of("class", "high"), m.structuredData.get("examplePriority@32473"));
        assertEquals("An application event log entry...", m.message);
        assertNull(m.parseError());
    }

    @Test
    void structuredDataEscapesAreExact() {
        ParsedMessage m = parser.parse("<13>1 - - - - - [id a=\"q\\\"uote\" b=\"back\\\\slash\" c=\"br\\]acket\" "
                + "d=\"other\\n\"] msg");
        Map<String, Object> p = m.structuredData.get("id");
        assertEquals("q\"uote", p.get("a"));
        assertEquals("back\\slash", p.get("b"));
        assertEquals("br]acket", p.get("c"));
        assertEquals("other\\n", p.get("d"), "any other backslash is kept");
        assertEquals("msg", m.message);
        assertEquals("invalid escape '\\n' kept as it is", m.parseError());
    }

    @Test
    void lenient5424KeepsWhatItCanAndSaysWhatWasOff() {
        ParsedMessage m = parser.parse("<34>1 2003-10-11t22:14:15.003z host app 1 - - text");
        assertEquals("rfc5424", m.format);
        assertEquals("2003-10-11T22:14:15.003Z", m.timestamp);
        assertNotNull(m.parseError());
        ParsedMessage bad = parser.parse("<34>1 - host app - - [broken text without end");
        assertEquals("[broken text without end", bad.message, "unreadable SD stays in the message");
        assertNotNull(bad.parseError());
    }

    @Test
    void rfc3164YearIsTheOneNearestToNow() {
        ParsedMessage dec = parser.parse("<34>Dec 31 23:59:00 host su: 'su root' failed");
        assertEquals("2025-12-31T23:59Z", dec.timestamp, "December read in January is last year's");
        ParsedMessage jan = parser.parse("<34>Jan  2 09:00:00 host su: ok");
        assertEquals("2026-01-02T09:00Z", jan.timestamp);
        assertEquals("rfc3164", dec.format);
        assertEquals("host", dec.hostname);
        assertEquals("su", dec.appName);
        assertEquals("'su root' failed", dec.message);
    }

    @Test
    void ciscoSequenceNumbersAndClockMarkers() {
        ParsedMessage m = parser.parse("<189>29: foo: *Apr 29 13:58:40.411: %SYS-5-CONFIG_I: Configured from "
                + "console by console");
        assertEquals(23, m.facility);
        assertEquals(5, m.severity);
        assertEquals("foo", m.hostname);
        assertEquals("2026-04-29T13:58:40.411Z", m.timestamp);
        assertEquals("%SYS-5-CONFIG_I: Configured from console by console", m.message);
        ParsedMessage dot = parser.parse("<190>31: .Apr 29 13:58:46.411: %SYS-6-LOGGINGHOST_STARTSTOP: x");
        assertNull(dot.hostname);
        assertEquals("2026-04-29T13:58:46.411Z", dot.timestamp);
    }

    @Test
    void noPriNoHostnameNoTimestampNeverInventsAPriority() {
        ParsedMessage noPri = parser.parse("%ASA-1-505015: Module ips, application up");
        assertNull(noPri.facility);
        assertNull(noPri.severity);
        assertEquals("unknown", noPri.format);
        assertEquals("%ASA-1-505015: Module ips, application up", noPri.message);
        ParsedMessage noHost = parser.parse("<13>Feb  5 17:32:18 sshd[123]: Accepted");
        assertNull(noHost.hostname);
        assertEquals("sshd", noHost.appName);
        assertEquals("123", noHost.procid);
        assertEquals("Accepted", noHost.message);
        ParsedMessage badPri = parser.parse("<abc>Mar  7 2008 19:06:53: text");
        assertNull(badPri.facility);
        ParsedMessage asa = parser.parse("MYHOSTNAME : %ASA-3-710003: TCP access denied");
        assertEquals("MYHOSTNAME", asa.hostname);
    }

    @Test
    void bytesThatAreNotUtf8KeepTheMessage() throws Exception {
        byte[] raw = "<13>Feb  5 17:32:18 host app: caf\u00e9 ".getBytes(StandardCharsets.ISO_8859_1);
        MessageJson json = new MessageJson(parser, "udp");
        JsonNode line = new ObjectMapper().readTree(json.line(raw, "127.0.0.1", JAN_2, false));
        assertEquals(Base64.getEncoder().encodeToString(raw), line.get("raw_base64").asText());
        assertFalse(line.has("raw"));
        assertEquals("host", line.get("hostname").asText());
        assertTrue(line.get("parse_error").isNull(), "RFC 3164 names no character set");
        byte[] bom = "<13>1 - - - - - - \uFEFFcaf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        bom[18] = (byte) 0xEF;
        bom[19] = (byte) 0xBB;
        bom[20] = (byte) 0xBF;
        JsonNode afterBom = new ObjectMapper().readTree(json.line(bom, "127.0.0.1", JAN_2, false));
        assertTrue(afterBom.get("parse_error").asText().contains("not UTF-8"), afterBom.toString());
        for (String field : List.of("received_at", "sender", "protocol", "format", "facility", "severity",
                "timestamp", "hostname", "app_name", "procid", "msgid", "structured_data", "message")) {
            assertTrue(line.has(field), field);
        }
    }

    @Test
    void zoneOfTheInputForTimesWithoutOne() {
        SyslogParser berlin = new SyslogParser(ZoneId.of("Europe/Berlin"), Clock.fixed(JAN_2, ZoneOffset.UTC));
        assertEquals("2025-12-31T23:59+01:00", berlin.parse("<34>Dec 31 23:59:00 host x: y").timestamp);
    }
}
