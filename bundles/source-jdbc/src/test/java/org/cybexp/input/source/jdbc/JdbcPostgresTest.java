package org.cybexp.input.source.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The jdbc source against a real PostgreSQL server (one for the class). */
class JdbcPostgresTest {

    private static final Instant BASE = Instant.parse("2026-03-01T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PostgresServer pg;
    private final TestClock clock = TestClock.at(BASE.plus(Duration.ofHours(1)));

    @BeforeAll
    static void startServer() throws Exception {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private InMemoryInputStore store(String table, String... keyValues) throws Exception {
        InMemoryInputStore.Builder builder = InMemoryInputStore.builder(new JdbcPlugin()).clock(clock)
                .property("typetag", "test-rows").property("url", pg.url()).property("user", "postgres")
                .property("password", pg.password()).property("table", table).property("tracking_column", "seen")
                .property("id_column", "id");
        for (int i = 0; i < keyValues.length; i += 2) {
            builder.property(keyValues[i], keyValues[i + 1]);
        }
        return builder.build();
    }

    private static void createIndicators(String table) throws Exception {
        pg.execute("DROP TABLE IF EXISTS " + table, "CREATE TABLE " + table + " (id bigint PRIMARY KEY, "
                + "seen timestamptz NOT NULL, ioc text)");
    }

    /** Rows from..to-1, ten per timestamp (ties the id must order). */
    private static void insert(String table, int from, int to) throws Exception {
        pg.execute("INSERT INTO " + table + " SELECT g, timestamptz '" + BASE + "' + (g / 10) * interval '1 second', "
                + "'ioc-' || g FROM generate_series(" + from + ", " + (to - 1) + ") g");
    }

    private static Set<Long> ids(InMemoryInputStore store) {
        Set<Long> ids = new HashSet<>();
        for (String id : store.jsonValues("/id")) {
            assertTrue(ids.add(Long.parseLong(id)), "id " + id + " posted once");
        }
        return ids;
    }

    private static Set<Long> range(int from, int to) {
        Set<Long> out = new HashSet<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void everyRowOnceInKeysetOrderAcrossTiesBatchesAndPolls() throws Exception {
        createIndicators("keyset");
        insert("keyset", 0, 2345);
        InMemoryInputStore store = store("keyset", "fetch_size", "100", "lookback_seconds", "0");
        SourceInput input = store.open();
        store.fetch(input);
        assertEquals(range(0, 2345), ids(store));
        assertEquals("LONG:2344", store.committed(JdbcInput.ID).orElseThrow());
        assertEquals("INSTANT:" + BASE.plusSeconds(234), store.committed(JdbcInput.TRACKING).orElseThrow());

        store.fetch(input);
        assertEquals(2345, store.events().size(), "nothing new: nothing read again");
        insert("keyset", 2345, 2400); // 2345-2349 share the last timestamp stored
        store.fetch(store.open()); // a new instance (restart) resumes from the stored cursor
        assertEquals(range(0, 2400), ids(store));
        assertEquals(0, store.duplicates(), "lookback 0: the keyset cursor alone, nothing read twice");
    }

    @Test
    void aTransactionHeldOpenAcrossTwoPollsIsReadAfterItCommits() throws Exception {
        createIndicators("late");
        InMemoryInputStore safe = store("late", "lookback_seconds", "300");
        InMemoryInputStore blind = store("late", "lookback_seconds", "0");
        SourceInput safeInput = safe.open();
        SourceInput blindInput = blind.open();
        try (Connection slow = pg.connect(); Statement statement = slow.createStatement()) {
            slow.setAutoCommit(false);
            statement.execute("INSERT INTO late VALUES (1, timestamptz '" + BASE.plusSeconds(5) + "', 'late row')");
            pg.execute("INSERT INTO late VALUES (2, timestamptz '" + BASE.plusSeconds(10) + "', 'early row')");
            safe.fetch(safeInput);
            blind.fetch(blindInput);
            pg.execute("INSERT INTO late VALUES (3, timestamptz '" + BASE.plusSeconds(20) + "', 'next row')");
            safe.fetch(safeInput);
            blind.fetch(blindInput);
            assertEquals(Set.of(2L, 3L), ids(safe), "the open transaction's row is not visible yet");
            slow.commit();
        }
        safe.fetch(safeInput);
        blind.fetch(blindInput);
        assertEquals(Set.of(1L, 2L, 3L), ids(safe), "read within lookback_seconds after its commit");
        assertEquals(Set.of(2L, 3L), ids(blind), "without lookback the late row is behind the cursor: lost");
        assertTrue(safe.duplicates() > 0, "the rows behind the cursor were read again and dropped as duplicates");
    }

    @Test
    void onlyRowsWithinTheLookbackCarryADedupKeyAndALateCommitIsStillReadOnce() throws Exception {
        pg.execute("DROP TABLE IF EXISTS window_keys", "CREATE TABLE window_keys (id bigint PRIMARY KEY, "
                + "seen timestamptz NOT NULL, ioc text)",
                "INSERT INTO window_keys SELECT g, timestamptz '" + BASE.minus(Duration.ofDays(2)) + "' + g * interval "
                + "'1 second', 'old-' || g FROM generate_series(1, 500) g",
                "INSERT INTO window_keys VALUES (1001, timestamptz '" + clock.instant().minusSeconds(60) + "', 'new')");
        InMemoryInputStore store = store("window_keys", "lookback_seconds", "300", "fetch_size", "100");
        SourceInput input = store.open();
        try (Connection slow = pg.connect(); Statement statement = slow.createStatement()) {
            slow.setAutoCommit(false);
            statement.execute("INSERT INTO window_keys VALUES (1002, timestamptz '" + clock.instant().minusSeconds(90)
                    + "', 'late')");
            store.fetch(input);
            slow.commit();
        }
        assertEquals(501, store.events().size(), "the old rows and the committed new one");
        assertEquals(500, store.events().stream().filter(e -> e.dedupKeys().isEmpty()).count(),
                "the 2-day-old rows: no later poll reads them again, no key kept for them");
        assertEquals(Set.of("window_keys:1001:" + clock.instant().minusSeconds(60)), store.dedupKeys());

        clock.advance(Duration.ofSeconds(30));
        store.fetch(input);
        assertEquals(Set.of("window_keys:1001:" + clock.instant().minusSeconds(90),
                "window_keys:1002:" + clock.instant().minusSeconds(120)), store.dedupKeys());
        assertEquals(range(1, 501), ids(store).stream().filter(i -> i < 1000).collect(java.util.stream.Collectors
                .toSet()), "every old row once (ids() fails on a second copy)");
        assertTrue(ids(store).containsAll(Set.of(1001L, 1002L)), "the late commit is read after it commits");
        assertEquals(1, store.duplicates(), "only the new row was read again (and dropped), no old one");
        store.fetch(input);
        assertEquals(502, store.events().size());
    }

    @Test
    void anUpdateOfTheTrackingColumnPostsTheNewVersion() throws Exception {
        createIndicators("updated");
        insert("updated", 0, 30);
        InMemoryInputStore store = store("updated");
        SourceInput input = store.open();
        store.fetch(input);
        pg.execute("UPDATE updated SET seen = seen + interval '1 hour', ioc = 'changed' WHERE id = 7");
        store.fetch(input);
        assertEquals(31, store.events().size());
        List<String> iocs = store.jsonValues("/ioc");
        assertEquals("changed", iocs.get(30), "the new version, once");
        assertEquals(30, Set.copyOf(store.jsonValues("/id")).size());
        store.fetch(input);
        assertEquals(31, store.events().size());
    }

    @Test
    void settleSecondsLeavesTheNewestRowsForALaterPoll() throws Exception {
        createIndicators("settle");
        pg.execute("INSERT INTO settle VALUES (1, timestamptz '" + BASE + "', 'a'), (2, timestamptz '"
                + BASE.plusSeconds(50) + "', 'b')");
        clock.set(BASE.plusSeconds(60));
        InMemoryInputStore store = store("settle", "settle_seconds", "30");
        SourceInput input = store.open();
        store.fetch(input);
        assertEquals(Set.of(1L), ids(store), "row 2 is 10 s old: not settled");
        clock.advance(Duration.ofSeconds(30));
        store.fetch(input);
        assertEquals(Set.of(1L, 2L), ids(store));
    }

    @Test
    void nullsAndOddTypesBecomeExactJson() throws Exception {
        pg.execute("DROP TABLE IF EXISTS odd", "CREATE TABLE odd (id int PRIMARY KEY, seen timestamptz, "
                + "amount numeric(40,10), small numeric(6,2), big bigint, ratio double precision, nan float8, "
                + "flag boolean, raw bytea, local timestamp, day date, doc json, docb jsonb, ints int[], tags text[], "
                + "uid uuid, note text)",
                "INSERT INTO odd VALUES (1, '2026-03-01 14:00:00.123456+02', 12345678901234567890.0123456789, "
                + "1234.50, 9007199254740993, 0.1, 'NaN', true, '\\x00ff10'::bytea, '2026-03-01 12:00:00', "
                + "'2026-03-01', '{\"a\": [1, 2]}', '{\"b\": null}', '{1,NULL,3}', '{x,\"y z\"}', "
                + "'123e4567-e89b-12d3-a456-426614174000', 'plain')",
                "INSERT INTO odd (id, seen) VALUES (2, '2026-03-01 13:00:00+00')");
        InMemoryInputStore store = store("odd", "timezone", "Europe/Berlin");
        store.fetch(store.open());
        assertEquals(2, store.events().size());
        JsonNode full = JSON.readTree(store.eventTexts().get(0));
        assertEquals("2026-03-01T12:00:00.123456Z", full.get("seen").asText());
        assertEquals("12345678901234567890.0123456789", full.get("amount").textValue(), "exact, as a string");
        assertTrue(full.get("small").isNumber());
        assertTrue(store.eventTexts().get(0).contains("\"small\":1234.50"), "a number, its digits as stored");
        assertEquals("9007199254740993", full.get("big").textValue(), "beyond 2^53: a string");
        assertEquals(0.1, full.get("ratio").doubleValue());
        assertEquals("NaN", full.get("nan").textValue());
        assertTrue(full.get("flag").booleanValue());
        assertEquals("AP8Q", full.get("raw").textValue(), "base64");
        assertEquals("2026-03-01T11:00:00Z", full.get("local").textValue(), "read in the input's timezone");
        assertEquals("2026-03-01", full.get("day").textValue());
        assertEquals(JSON.readTree("{\"a\": [1, 2]}"), full.get("doc"), "json nested, not a string");
        assertTrue(full.get("docb").has("b") && full.get("docb").get("b").isNull());
        assertEquals(JSON.readTree("[1, null, 3]"), full.get("ints"));
        assertEquals(JSON.readTree("[\"x\", \"y z\"]"), full.get("tags"));
        assertEquals("123e4567-e89b-12d3-a456-426614174000", full.get("uid").textValue());
        JsonNode empty = JSON.readTree(store.eventTexts().get(1));
        for (String column : List.of("amount", "raw", "doc", "ints", "local", "note")) {
            assertTrue(empty.get(column).isNull(), column + " is null");
        }
        assertTrue(store.dedupKeys().contains("odd:1:2026-03-01T12:00:00.123456Z"), store.dedupKeys().toString());
    }

    @Test
    void rowsPerRecordGroupsNewRowsAsNdjson() throws Exception {
        createIndicators("grouped");
        insert("grouped", 0, 7);
        InMemoryInputStore store = store("grouped", "rows_per_record", "3");
        SourceInput input = store.open();
        store.fetch(input);
        assertEquals(3, store.events().size(), "3 + 3 + 1 rows");
        assertEquals(3, store.eventTexts().get(0).strip().split("\n").length);
        assertEquals("application/x-ndjson", store.events().get(0).mediaType());
        insert("grouped", 7, 9);
        store.fetch(input);
        assertEquals(4, store.events().size(), "the re-read rows are not grouped again");
        assertEquals(2, store.eventTexts().get(3).strip().split("\n").length);
    }

    @Test
    void aQueryIsWrappedWithTheCursor() throws Exception {
        createIndicators("queried");
        insert("queried", 0, 50);
        InMemoryInputStore store = InMemoryInputStore.builder(new JdbcPlugin()).clock(clock)
                .property("typetag", "test-rows").property("url", pg.url()).property("user", "postgres")
                .property("password", pg.password()).property("query", "SELECT id AS ticket, seen, upper(ioc) AS "
                        + "ioc FROM queried WHERE id % 2 = 0;")
                .property("tracking_column", "seen").property("id_column", "ticket").build();
        store.fetch(store.open());
        assertEquals(25, store.events().size());
        assertTrue(store.eventTexts().get(0).contains("\"IOC-0\""), store.eventTexts().get(0));
        assertTrue(store.dedupKeys().contains("query:48:" + BASE.plusSeconds(4)));
    }

    @Test
    void aDroppedConnectionIsReopened() throws Exception {
        createIndicators("dropped");
        insert("dropped", 0, 10);
        InMemoryInputStore store = store("dropped");
        SourceInput input = store.open();
        store.fetch(input);
        pg.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                + "AND backend_type = 'client backend'");
        insert("dropped", 10, 20);
        store.fetch(input); // validated, found dead, opened again
        assertEquals(range(0, 20), ids(store));
    }

    @Test
    void aWrongPasswordIsAClearErrorWithoutThePassword() throws Exception {
        createIndicators("guarded");
        String wrong = "not-the-password-4f2e";
        InMemoryInputStore store = store("guarded", "password", wrong);
        SourceException e = assertThrows(SourceException.class, () -> store.fetch(store.open()));
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());

        InMemoryInputStore inUrl = store("guarded", "password", "", "url", pg.url() + "?password=" + wrong
                + "&user=postgres");
        SourceException e2 = assertThrows(SourceException.class, () -> inUrl.fetch(inUrl.open()));
        assertTrue(e2.getMessage().contains("password=***"), e2.getMessage());
        assertFalse(e2.getMessage().contains(wrong), e2.getMessage());
        assertFalse(inUrl.progress().contains(wrong), inUrl.progress());
    }

    @Test
    void anUnreachableServerIsAClearErrorAndTheNextPollConnects() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String secret = "url-secret-77aa";
        InMemoryInputStore store = store("nowhere", "url", "jdbc:postgresql://127.0.0.1:" + closed
                + "/postgres?connectTimeout=2&password=" + secret);
        SourceException e = assertThrows(SourceException.class, () -> store.fetch(store.open()));
        assertTrue(e.getMessage().contains("127.0.0.1:" + closed) && e.getMessage().contains("refused"),
                e.getMessage());
        assertFalse(e.getMessage().contains(secret), e.getMessage());
    }

    @Test
    void aMissingTableOrColumnIsNamed() throws Exception {
        createIndicators("named");
        InMemoryInputStore column = store("named", "tracking_column", "created");
        SourceException e = assertThrows(SourceException.class, () -> column.fetch(column.open()));
        assertTrue(e.getMessage().startsWith("tracking_column: no column created in table named (its columns: id, "
                + "seen, ioc)"), e.getMessage());
        InMemoryInputStore table = store("no_such_table");
        SourceException e2 = assertThrows(SourceException.class, () -> table.fetch(table.open()));
        assertTrue(e2.getMessage().contains("no_such_table") && e2.getMessage().contains("does not exist"),
                e2.getMessage());
    }

    @Test
    void aTrackingColumnWithoutIdIsRefusedUnlessDeclaredUnique() throws Exception {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> store("x", "id_column", "").open());
        assertEquals("id_column", e.key());
        createIndicators("uniq");
        insert("uniq", 0, 5);
        InMemoryInputStore store = store("uniq", "id_column", "", "tracking_unique", "true", "tracking_column", "id");
        store.fetch(store.open());
        assertEquals(range(0, 5), ids(store));
        assertTrue(store.dedupKeys().isEmpty(), "an id cursor never reads a row twice: no key needed, "
                + store.dedupKeys());
    }

    @Test
    void badValuesAreRefusedAtConfigTime() {
        for (Map.Entry<String, String> bad : Map.of("table", "x; drop table y", "tracking_column", "a b",
                "url", "postgresql://host/db").entrySet()) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> store("t", bad.getKey(), bad.getValue()).open(), bad.toString());
            assertEquals(bad.getKey(), e.key());
        }
    }
}
