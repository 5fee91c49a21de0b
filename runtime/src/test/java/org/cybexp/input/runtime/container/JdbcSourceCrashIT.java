package org.cybexp.input.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.cybexp.input.source.jdbc.PostgresServer;
import org.cybexp.input.testkit.Distribution;
import org.cybexp.input.testkit.Distribution.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The jdbc plugin in the real distribution, reading a real PostgreSQL table (through the driver bundle's
 * DataSourceFactory) and killed ({@code kill -9}) in the middle of the backfill. A 1 MiB outbox cap makes the
 * backfill wait for delivery, so the kill lands while rows are still being read. After the restart every row
 * reaches {@code /raw} (no gap), at most one batch ({@code fetch_size}) of them twice, and the input resumed from
 * its cursor instead of reading the table again. The embedded example (a SQLite file, whose driver is found by
 * its {@code META-INF/services}) runs in the same daemon. The database password shows nowhere.
 */
class JdbcSourceCrashIT {

    private static final String TOKEN = "jdbc-crash-it-token-93ab";
    private static final int ROWS = 5_000;
    private static final int FETCH_SIZE = 500;
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static PostgresServer pg;
    private Distribution dist;
    private RawReceiver raw;

    @BeforeAll
    static void databaseWithABacklog() throws Exception {
        pg = PostgresServer.start();
        // rows of about 1 KB: the 1 MiB outbox holds about a thousand
        pg.execute("CREATE TABLE tickets (id bigint PRIMARY KEY, reported timestamptz NOT NULL, ioc text, notes text)",
                "INSERT INTO tickets SELECT g, timestamptz '2026-03-01 00:00:00Z' + (g / 7) * interval '1 second', "
                        + "'198.51.' || (g % 256) || '.' || (g / 256 % 256), repeat('x', 1000) FROM generate_series(1, "
                        + ROWS + ") g",
                "CREATE INDEX tickets_keyset ON tickets (reported, id)");
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void distribution() throws Exception {
        raw = new RawReceiver(TOKEN);
        dist = Distribution.copyOfBuilt("cybexp-jdbc-crash-it");
        dist.configure("cybexp.api.cfg", "url = " + raw.url() + "\ntoken = " + TOKEN + "\noutbox_max_mib = 1\n");
        dist.configure("cybexp.source.jdbc-tickets.cfg", "name = tickets\norgid = crash-org\ntypetag = tickets\n"
                + "url = " + pg.url() + "\nuser = postgres\npassword = " + pg.password() + "\ntable = tickets\n"
                + "tracking_column = reported\nid_column = id\nfetch_size = " + FETCH_SIZE + "\nperiod = 3600\n"
                + "min_interval = 0\n");
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            dist.close();
        } finally {
            raw.close();
        }
    }

    @Test
    void killedInTheMiddleOfABackfillTheRestartResumesWithNoGap() throws Exception {
        Result start = dist.cli("start");
        assertEquals(0, start.code(), start.toString());
        long pid = dist.daemonPid().orElseThrow();
        Await.within(60).alias("a first part of the backfill at /raw").until(() -> raw.posts().size() >= 1000);
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -9 " + pid);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        int postedBeforeKill = raw.posts().size();
        assertTrue(postedBeforeKill < ROWS, "killed before the end: " + postedBeforeKill);

        Result restart = dist.cli("start");
        assertEquals(0, restart.code(), restart.toString());
        Await.within(120).alias("every row at /raw").until(() -> postedIds().size() == ROWS);
        Map<Long, Integer> counts = postedIds();
        for (long id = 1; id <= ROWS; id++) {
            assertTrue(counts.containsKey(id), "row " + id + " was posted");
        }
        int duplicates = raw.posts().size() - ROWS;
        assertTrue(duplicates <= FETCH_SIZE, duplicates + " rows posted twice: at most one batch");
        long fetchedAfterRestart = fetched(dist.cli("status", "--json").out(), "tickets");
        assertTrue(fetchedAfterRestart > 0 && fetchedAfterRestart < ROWS,
                "the restart resumed from the cursor: " + fetchedAfterRestart + " rows stored after it");

        assertNoPassword();
    }

    @Test
    void theEmbeddedSqliteExampleRunsWithTheShippedDriver() throws Exception {
        Path db = dist.home().resolve("data/sensor.db");
        Files.createDirectories(db.getParent());
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT, src_ip TEXT)");
            statement.execute("INSERT INTO events (at, src_ip) VALUES ('2026-03-01T12:00:00Z', '203.0.113.5'), "
                    + "('2026-03-01T12:00:01Z', '203.0.113.6')");
        }
        Files.delete(dist.home().resolve("etc/cybexp.source.jdbc-tickets.cfg"));
        dist.configure("cybexp.source.jdbc-sensor.cfg", "name = sensor\norgid = crash-org\ntypetag = sensor\n"
                + "url = jdbc:sqlite:" + db + "\ntable = events\ntracking_column = id\ntracking_unique = true\n"
                + "period = 3600\n");
        Result start = dist.cli("start");
        assertEquals(0, start.code(), start.toString());
        Await.within(60).alias("both sensor rows at /raw").until(() -> raw.posts().stream()
                .filter(p -> p.fileText().contains("203.0.113.")).count() == 2);
    }

    private void assertNoPassword() throws Exception {
        Result status = dist.cli("status", "--json");
        assertFalse(status.out().contains(pg.password()), "the password is not in status");
        try (Stream<Path> files = Files.walk(dist.home().resolve("log"))) {
            for (Path log : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(log).contains(pg.password()), "the password is not in " + log);
            }
        }
    }

    private Map<Long, Integer> postedIds() {
        Map<Long, Integer> ids = new HashMap<>();
        for (RawReceiver.Post post : raw.posts()) {
            Matcher m = ID.matcher(post.fileText());
            while (m.find()) {
                ids.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
            }
        }
        return ids;
    }

    /** The {@code fetched} counter of one input in {@code status --json}. */
    private static long fetched(String json, String input) {
        int at = json.indexOf("\"name\":\"" + input + "\"");
        if (at < 0) {
            at = json.indexOf("\"name\": \"" + input + "\"");
        }
        assertTrue(at >= 0, json);
        Matcher m = Pattern.compile("\"fetched\"\\s*:\\s*(\\d+)").matcher(json);
        assertTrue(m.find(at), json);
        return Long.parseLong(m.group(1));
    }
}
