package org.cybexp.input.source.syslog;

import org.cybexp.input.testkit.RealData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real test vectors of other syslog implementations (shared/real/syslog beside the checkout, see
 * SOURCES.md there; {@code -Dcybexp.real=...} points elsewhere) parse as their {@code .expected.json} sidecars
 * say, and no line of any of them loses a byte of its message or gets a priority it did not carry.
 */
class RealVectorsTest {

    static final Path REAL = RealData.folder("syslog");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Where the implementations disagree with each other and we follow one of them, with why. Every other case
     * must match.
     */
    private static final Map<String, String> DIVERGENT = Map.of(
            "<0>Jan 10 01:00:00 prg0", "a lone word after the time: syslog-ng takes it for the program, rsyslog "
                    + "(parse1: '<14>Aug 30 23:00:05 X4711') for the host; we follow rsyslog",
            "<6>AUG 10 22:18:24 2009  netips-warden2-p [audit] user=[*SMS] src=192.168.11.11 iface=5 access=9 "
                    + "Update State Reset", "a year after the time: rsyslog takes it for the host, we read it as "
                    + "the year (as syslog-ng does for 'Apr 15 21:28:13 2007 linksys')");

    private final List<String> mismatches = new ArrayList<>();

    private static JsonNode sidecar(String name) throws IOException {
        return JSON.readTree(REAL.resolve(name).toFile());
    }

    private void expect(String where, Object expected, Object actual) {
        if (!String.valueOf(expected).equals(String.valueOf(actual))) {
            mismatches.add(where + ": expected " + expected + ", got " + actual);
        }
    }

    private static Integer pri(ParsedMessage m) {
        return m.facility == null ? null : m.facility * 8 + m.severity;
    }

    @Test
    void everyLineKeepsItsMessageAndNeverGetsAMadeUpPriority() throws IOException {
        SyslogParser parser = new SyslogParser(ZoneOffset.UTC, Clock.systemUTC());
        MessageJson json = new MessageJson(parser, "udp");
        int lines = 0;
        try (Stream<Path> files = Files.list(REAL)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".txt") || f.toString().endsWith(".log"))
                    .sorted().toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                    byte[] raw = line.getBytes(StandardCharsets.ISO_8859_1);
                    String text = MessageJson.utf8(raw) != null ? MessageJson.utf8(raw)
                            : new String(raw, StandardCharsets.UTF_8);
                    ParsedMessage m = parser.parse(text);
                    String where = file.getFileName() + ": " + line;
                    assertEquals(Pri.length(text) >= 0, m.facility != null, "a PRI only where sent: " + where);
                    if (m.message == null) {
                        assertEquals(ParsedMessage.RFC5424, m.format, "only an RFC 5424 header has no MSG: " + where);
                        continue;
                    }
                    String rest = m.message;
                    assertTrue(text.endsWith(rest) || text.replace("\uFEFF", "").endsWith(rest),
                            "the message is the end of the line, nothing cut: " + where);
                    JsonNode out = JSON.readTree(json.line(raw, "192.0.2.1", Instant.now(), false));
                    assertTrue(out.has("raw") || out.has("raw_base64"), where);
                    lines++;
                }
            }
        }
        assertTrue(lines > 500, "read " + lines + " lines");
    }

    @Test
    void goSyslogRfc5424ValidityAsItsTableSays() throws IOException {
        MessageJson json = new MessageJson(new SyslogParser(ZoneOffset.UTC, Clock.systemUTC()), "tcp");
        for (JsonNode c : sidecar("go-syslog_rfc5424_machine_vectors.expected.json").path("cases")) {
            byte[] raw = HexFormat.of().parseHex(c.path("input_hex").asText());
            JsonNode m = JSON.readTree(json.line(raw, "192.0.2.1", Instant.now(), false));
            boolean strict = m.path("format").asText().equals(ParsedMessage.RFC5424) && m.path("parse_error").isNull();
            expect("go-syslog #" + c.path("index").asInt() + " " + c.path("input").asText(), c.path("valid")
                    .asBoolean(), strict);
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches));
    }

    @Test
    void syslogNgCiscoParserVectors() throws IOException {
        SyslogParser parser = new SyslogParser(ZoneOffset.UTC, Clock.systemUTC());
        for (JsonNode c : sidecar("syslog-ng_cisco_parser_vectors.expected.json").path("cases")) {
            ParsedMessage m = parser.parse(c.path("input").asText());
            JsonNode e = c.path("expected");
            String where = "cisco " + c.path("input").asText();
            expect(where + " PRI", e.path("PRI").asText(), pri(m));
            String host = e.path("HOST").asText();
            if (!host.startsWith("<")) {
                expect(where + " HOST", host.isEmpty() ? null : host, m.hostname);
            }
            expect(where + " MSG", e.path("MSG").asText(), m.message);
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches));
    }

    @Test
    void syslogNgMsgparseVectors() throws IOException {
        // the test's fake now and zone: 2019-02-08T08:37:49Z, TZ=MET-1METDST
        SyslogParser parser = new SyslogParser(ZoneId.of("MET"),
                Clock.fixed(Instant.ofEpochSecond(1549615069L), ZoneOffset.UTC));
        for (JsonNode c : sidecar("syslog-ng_test_msgparse_vectors.expected.json").path("cases")) {
            String flags = c.path("parse_flags").asText();
            if (!c.has("msg") || flags.contains("NOPARSE") || flags.contains("NO_HEADER")
                    || flags.contains("SANITIZE")) {
                continue;
            }
            ParsedMessage m = parser.parse(c.path("msg").asText());
            String where = c.path("test").asText() + " " + c.path("msg").asText();
            String pri = c.path("expected_pri").asText();
            if (pri.equals("43") && !c.path("msg").asText().startsWith("<43>")) {
                continue; // syslog-ng refused the message and logged its own error (PRI 43): we keep it
            }
            if (pri.matches("\\d+")) {
                expect(where + " pri", Integer.valueOf(pri), pri(m) == null ? 13 : pri(m)); // syslog-ng's default
            }
            String host = c.path("expected_host").asText();
            if ((flags.contains("EXPECT_HOSTNAME") || flags.contains("SYSLOG_PROTOCOL")) && !host.equals("null")
                    && !host.equals("NULL") && c.path("bad_hostname_re").asText().equals("NULL")
                    && !DIVERGENT.containsKey(c.path("msg").asText())) {
                expect(where + " host", host.isEmpty() ? null : host, m.hostname);
            }
            String sec = c.path("expected_stamp_sec").asText();
            // year-less BSD times: syslog-ng may put them months ahead; ours take the nearest year (the contract)
            boolean yearless = c.path("msg").asText().matches("(?s)<\\d+>(\\d+: )?[*.]?\\s*[A-Za-z]{3} +\\d+ \\d.*")
                    && !c.path("msg").asText().matches("(?s)<\\d+>[A-Za-z]{3} +\\d+ (\\d{4} )?[\\d:.]+ \\d{4} .*")
                    && !c.path("msg").asText().matches("(?s)<\\d+>[A-Za-z]{3} +\\d+ \\d{4} .*");
            if (sec.matches("\\d{4,}") && m.timestamp != null && !yearless) {
                expect(where + " stamp", Long.parseLong(sec), OffsetDateTime.parse(m.timestamp).toEpochSecond());
            }
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches));
    }

    @Test
    void rsyslogParse1Vectors() throws IOException {
        SyslogParser parser = new SyslogParser(ZoneOffset.UTC, Clock.systemUTC());
        for (JsonNode c : sidecar("rsyslog_testsuites_parse_vectors.expected.json").path("cases")) {
            if (!c.path("suite").asText().equals("parse1")) {
                continue;
            }
            String[] expected = c.path("expected_output").asText().split(",", 8);
            ParsedMessage m = parser.parse(c.path("wire").asText());
            String where = "rsyslog " + c.path("wire").asText();
            expect(where + " PRI", expected[0], pri(m) == null ? 13 : pri(m)); // rsyslog's default
            if (!expected[4].equals("~H") && !DIVERGENT.containsKey(c.path("wire").asText())) {
                expect(where + " hostname", expected[4], m.hostname);
            }
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches));
    }
}
