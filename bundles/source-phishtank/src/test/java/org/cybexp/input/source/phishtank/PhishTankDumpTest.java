package org.cybexp.input.source.phishtank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import org.cybexp.input.api.SourceException;
import org.cybexp.input.source.text.Utf8Repair;
import org.junit.jupiter.api.Test;

/** The streaming parser over the fixtures: what it hands over, what it skips, what fails the read. */
class PhishTankDumpTest {

    /** Collects what the parser reports. */
    static final class Collected implements PhishTankDump.Listener {
        final List<PhishTankDump.Entry> entries = new ArrayList<>();
        final List<String> malformed = new ArrayList<>();
        int stopAfter = Integer.MAX_VALUE;

        @Override
        public void record(PhishTankDump.Entry entry) {
            entries.add(entry);
        }

        @Override
        public void malformed(String reason, byte[] sample) {
            malformed.add(reason);
        }

        @Override
        public boolean stopNow() {
            return entries.size() >= stopAfter;
        }

        List<JsonNode> trees() {
            return entries.stream().map(e -> Fixtures.tree(e.json())).toList();
        }
    }

    private static PhishTankDump.Summary read(byte[] json, Collected into) throws IOException, SourceException {
        return new PhishTankDump().read(Utf8Repair.locating(new ByteArrayInputStream(json)), into);
    }

    private static Collected read(String text) throws IOException, SourceException {
        Collected collected = new Collected();
        read(text.getBytes(StandardCharsets.UTF_8), collected);
        return collected;
    }

    @Test
    void everyRecordOfTheSampleIsHandedOverWhole() throws Exception {
        Collected got = new Collected();
        PhishTankDump.Summary summary = read(Fixtures.bytes("online-valid.json"), got);

        List<JsonNode> expected = Fixtures.records();
        assertEquals(new PhishTankDump.Summary(50, 50, 0, true), summary);
        assertEquals(expected, got.trees());
        for (int i = 0; i < expected.size(); i++) {
            PhishTankDump.Entry entry = got.entries.get(i);
            assertEquals(Fixtures.phishId(expected.get(i)), entry.phishId());
            assertEquals(expected.get(i).get("verification_time").asText(), entry.verificationTime());
            assertEquals(Fixtures.dedupKey(expected.get(i)), entry.dedupKey());
        }
    }

    @Test
    void prettyPhpEscapedAndBomPrefixedDumpsGiveTheSameRecords() throws Exception {
        for (String name : List.of("online-valid.pretty.json", "online-valid.php-escaped.json",
                "malformed/bom-prefixed.json")) {
            Collected got = new Collected();
            PhishTankDump.Summary summary = read(Fixtures.bytes(name), got);

            assertEquals(new PhishTankDump.Summary(50, 50, 0, true), summary, name);
            assertEquals(Fixtures.records(), got.trees(), name);
        }
    }

    @Test
    void recordsAreCompactAndKeepEveryFieldAsIs() throws Exception {
        Collected got = read("[ {\"phish_id\" : \"1\", \"verification_time\":\"t\",\n \"n\": 12345678901234567890.5e3,"
                + "\"future\":{\"k\":[1,2,{}]}} ]");

        assertEquals("{\"phish_id\":\"1\",\"verification_time\":\"t\",\"n\":12345678901234567890.5e3,"
                + "\"future\":{\"k\":[1,2,{}]}}", new String(got.entries.get(0).json(), StandardCharsets.UTF_8));
    }

    @Test
    void typeOdditiesAreAcceptedAsPhishTankCouldWriteThem() throws Exception {
        Collected got = new Collected();
        PhishTankDump.Summary summary = read(Fixtures.bytes("malformed/type-oddities.json"), got);

        List<JsonNode> expected = Fixtures.records(Fixtures.bytes("malformed/type-oddities.json"));
        assertEquals(new PhishTankDump.Summary(6, 6, 0, true), summary);
        assertEquals(expected, got.trees(), "NUL, RTL override and the unknown field survive");
        assertTrue(expected.get(0).get("phish_id").isInt(), "the fixture's first id is a JSON number");
        assertEquals(expected.get(0).get("phish_id").asText(), got.entries.get(0).phishId());
        assertNull(got.entries.get(3).verificationTime(), "null verification_time");
        assertEquals("phishtank:" + got.entries.get(3).phishId() + "@", got.entries.get(3).dedupKey());
    }

    @Test
    void aRecordNestedTooDeepIsSkippedAndTheDumpGoesOn() throws Exception {
        // IntelMQ's sample of PhishTank's online-valid.json (shared/real/phish), a deep record after its 3 records
        String real = new String(Fixtures.bytes("real/phishtank_intelmq_online-valid.json"), StandardCharsets.UTF_8)
                .strip();
        String deep = "{\"phish_id\": \"999\", \"details\": " + "[".repeat(200) + "]".repeat(200) + "}";
        String deepArray = "[".repeat(100) + "]".repeat(100);
        String after = "{\"phish_id\": \"1000\", \"verification_time\": \"2024-01-01T00:00:00+00:00\"}";
        String dump = real.substring(0, real.length() - 1) + ", " + deep + ", " + deepArray + ", " + after + "]";
        Collected got = new Collected();

        PhishTankDump.Summary summary = read(dump.getBytes(StandardCharsets.UTF_8), got);

        assertEquals(new PhishTankDump.Summary(6, 4, 2, true), summary);
        assertEquals(List.of("record 4 (phish_id 999) is nested deeper than 64 levels",
                "element 5 is an array, not an object"), got.malformed);
        assertEquals("1000", got.entries.get(3).phishId());
    }

    @Test
    void aRecordWithInvalidUtf8IsSkippedAndTheOthersKept() throws Exception {
        Collected got = new Collected();
        PhishTankDump.Summary summary = read(Fixtures.bytes("malformed/invalid-utf8.json"), got);

        List<JsonNode> first3 = Fixtures.records().subList(0, 3);
        assertEquals(new PhishTankDump.Summary(3, 2, 1, true), summary);
        assertEquals(first3.subList(1, 3), got.trees());
        assertEquals(List.of("record 1 (phish_id " + Fixtures.phishId(first3.get(0)) + ") holds invalid UTF-8"),
                got.malformed);
    }

    @Test
    void duplicateIdsAreAllHandedOverForTheInputToDedup() throws Exception {
        Collected got = new Collected();
        read(Fixtures.bytes("malformed/duplicate-ids.json"), got);

        assertEquals(5, got.entries.size());
        assertEquals(got.entries.get(0).dedupKey(), got.entries.get(3).dedupKey());
    }

    @Test
    void anEmptyArrayHasNoRecords() throws Exception {
        Collected got = new Collected();
        assertEquals(new PhishTankDump.Summary(0, 0, 0, true), read(Fixtures.bytes("malformed/empty-array.json"), got));
    }

    @Test
    void elementsThatAreNotUsableRecordsAreSkippedWithAReason() throws Exception {
        String big = "x".repeat(PhishTankDump.MAX_RECORD_BYTES - 10);
        Collected got = read("[\"a string\", 42, [1, [2]], null, {\"url\":\"u\"}, {\"phish_id\":{\"x\":1}},"
                + "{\"phish_id\":\"\"}, {\"phish_id\":true}, {\"phish_id\":\"7\",\"verification_time\":5},"
                + "{\"phish_id\":\"8\",\"url\":\"" + big + "\",\"more\":\"" + big + "\"},"
                + "{\"phish_id\":\"9\",\"phish_id\":\"10\"}, {\"phish_id\":\"11\"}]");

        assertEquals(List.of(
                "element 1 is a string, not an object",
                "element 2 is a number, not an object",
                "element 3 is an array, not an object",
                "element 4 is null, not an object",
                "record 5 has no phish_id",
                "record 6 has a phish_id that is an object, not a string",
                "record 7 has an empty phish_id",
                "record 8 has a phish_id that is a boolean, not a string",
                "record 9 (phish_id 7) has a verification_time that is a number, not a string",
                "record 10 (phish_id 8) is larger than " + PhishTankDump.MAX_RECORD_BYTES + " bytes",
                "record 11 (phish_id 9) has two different phish_id fields"), got.malformed);
        assertEquals(1, got.entries.size(), "the parser found its way to the last record");
        assertEquals("11", got.entries.get(0).phishId());
    }

    @Test
    void aDumpThatIsNotAnArrayFailsTheRead() {
        SourceException object = assertThrows(SourceException.class, () -> read("{\"phish_id\":\"1\"}"));
        assertEquals("the dump is not a JSON array (it starts with {)", object.getMessage());
        assertThrows(SourceException.class, () -> read("[{\"phish_id\":\"1\"}] [1]"));
        assertThrows(JsonProcessingException.class, () -> read("[{\"phish_id\":\"1\"}] xyz"));
    }

    @Test
    void aCutShortDumpFailsAfterTheCompleteRecords() throws Exception {
        Collected got = new Collected();
        byte[] truncated = Fixtures.bytes("malformed/truncated.json");

        assertThrows(JsonProcessingException.class, () -> read(truncated, got));
        assertFalse(got.entries.isEmpty());
        assertTrue(got.entries.size() < 50);
        assertEquals(Fixtures.records().subList(0, got.entries.size()), got.trees(), "only whole records");
    }

    @Test
    void invalidJsonFailsTheRead() {
        assertThrows(JsonProcessingException.class, () -> read("[{\"phish_id\":\"1\",}]"));
        assertThrows(JsonProcessingException.class, () -> read("[{\"phish_id\":\"1\"} {\"phish_id\":\"2\"}]"));
    }

    @Test
    void theListenerCanStopTheReadBetweenRecords() throws Exception {
        Collected got = new Collected();
        got.stopAfter = 3;

        PhishTankDump.Summary summary = read(Fixtures.bytes("online-valid.json"), got);

        assertFalse(summary.complete());
        assertEquals(3, got.entries.size());
    }
}
