package org.cybexp.input.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The table people read: aligned columns, the refused config before the last error, '-' for nothing. */
class StatusTableTest {

    @Test
    void rendersOneRowPerInput() {
        String line = "{\"ok\":true,\"pid\":7,\"uptime_s\":3725,\"plugins\":[\"openphish\"],\"inputs\":["
                + "{\"name\":\"main\",\"plugin\":\"openphish\",\"state\":\"WAITING\",\"fetched\":50,\"delivered\":49,"
                + "\"dead_lettered\":1,\"outbox_depth\":0,\"next_run\":\"2026-01-01T01:00:00.123456Z\","
                + "\"last_error\":null,\"config_error\":null},"
                + "{\"name\":\"b\",\"plugin\":\"openphish\",\"state\":\"INVALID_CONFIG\",\"fetched\":0,"
                + "\"delivered\":0,\"dead_lettered\":0,\"outbox_depth\":0,\"next_run\":null,"
                + "\"last_error\":\"old\",\"config_error\":\"timezone: unknown zone\"}]}";
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) Json.parse(line);
        List<String> lines = StatusTable.render(new DaemonClient.Answer(line, body)).lines().toList();

        assertEquals("cybexp-input running, pid 7, up 1h2m, plugins: openphish", lines.get(0));
        assertTrue(lines.get(1).startsWith("NAME  PLUGIN     STATE           FETCHED  DELIVERED  FAILED  OUTBOX"),
                lines.get(1));
        assertTrue(lines.get(2).matches("main\\s+openphish\\s+WAITING\\s+50\\s+49\\s+1\\s+0\\s+"
                + "2026-01-01T01:00:00Z\\s+-"), lines.get(2));
        assertTrue(lines.get(3).matches("b\\s+openphish\\s+INVALID_CONFIG\\s+0\\s+0\\s+0\\s+0\\s+-\\s+"
                + "new config refused: timezone: unknown zone"), lines.get(3));
    }
}
