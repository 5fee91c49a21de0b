package org.cybexp.input.source.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.testkit.InMemoryInputStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The embedded example of the README: a sensor's SQLite file, tracked by its increasing id. */
class JdbcSqliteTest {

    @TempDir
    Path folder;

    @Test
    void aSensorsSqliteFileIsReadIncrementally() throws Exception {
        String url = "jdbc:sqlite:" + folder.resolve("sensor.db");
        try (Connection db = DriverManager.getConnection(url); Statement statement = db.createStatement()) {
            statement.execute("CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT, src_ip TEXT, "
                    + "payload BLOB, score REAL)");
            statement.execute("INSERT INTO events (at, src_ip, payload, score) VALUES ('2026-03-01T12:00:00Z', "
                    + "'198.51.100.7', x'cafe', 0.5), ('2026-03-01T12:00:01Z', '203.0.113.9', NULL, NULL)");
        }
        InMemoryInputStore store = InMemoryInputStore.builder(new JdbcPlugin()).property("typetag", "sensor-events")
                .property("url", url).property("table", "events").property("tracking_column", "id")
                .property("tracking_unique", "true").build();
        SourceInput input = store.open();
        store.fetch(input);
        assertEquals(2, store.events().size());
        JsonNode first = new ObjectMapper().readTree(store.eventTexts().get(0));
        assertEquals(1, first.get("id").intValue());
        assertEquals("198.51.100.7", first.get("src_ip").textValue());
        assertEquals("yv4=", first.get("payload").textValue());
        assertEquals(0.5, first.get("score").doubleValue());
        assertEquals("LONG:2", store.committed(JdbcInput.TRACKING).orElseThrow());

        try (Connection db = DriverManager.getConnection(url); Statement statement = db.createStatement()) {
            statement.execute("INSERT INTO events (at, src_ip) VALUES ('2026-03-01T12:00:02Z', '192.0.2.1')");
        }
        store.fetch(input);
        assertEquals(3, store.events().size());
        assertTrue(store.eventTexts().get(2).contains("192.0.2.1"));
        input.close();
    }

    @Test
    void aMissingSqliteFileIsAnErrorNotAnEmptyDatabase() throws Exception {
        Path missing = folder.resolve("typo.db");
        InMemoryInputStore store = InMemoryInputStore.builder(new JdbcPlugin()).property("typetag", "sensor-events")
                .property("url", "jdbc:sqlite:" + missing).property("table", "events")
                .property("tracking_column", "id").property("tracking_unique", "true").build();
        SourceInput input = store.open();
        SourceException refused = assertThrows(SourceException.class, () -> store.fetch(input));
        assertTrue(refused.getMessage().contains(missing + " does not exist"), refused.getMessage());
        assertFalse(Files.exists(missing), "no empty database is created where the user meant another file");
        assertTrue(store.events().isEmpty());
        input.close();
    }
}
