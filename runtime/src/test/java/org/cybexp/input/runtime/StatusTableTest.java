package org.cybexp.input.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The table people read: aligned columns, the refused config before the last error, '-' for nothing. */
class StatusTableTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");

    @Test
    void rendersOneRowPerInput() {
        String line = "{\"ok\":true,\"pid\":7,\"uptime_s\":3725,\"plugins\":[\"openphish\"],\"inputs\":["
                + "{\"name\":\"main\",\"plugin\":\"openphish\",\"state\":\"WAITING\",\"fetched\":50,\"delivered\":49,"
                + "\"dead_lettered\":1,\"dead_letters\":3,\"outbox_depth\":0,"
                + "\"next_run\":\"2026-01-01T01:00:00.123456Z\",\"last_error\":null,\"config_error\":null,"
                + "\"delivery_state\":\"IDLE\",\"last_delivery\":\"2026-01-01T00:05:00Z\"},"
                + "{\"name\":\"b\",\"plugin\":\"openphish\",\"state\":\"INVALID_CONFIG\",\"fetched\":0,"
                + "\"delivered\":0,\"dead_lettered\":0,\"dead_letters\":0,\"outbox_depth\":0,\"next_run\":null,"
                + "\"last_error\":\"old\",\"config_error\":\"timezone: unknown zone\",\"delivery_state\":\"IDLE\","
                + "\"last_delivery\":null}]}";
        List<String> lines = StatusTable.render(answer(line), NOW).lines().toList();

        assertEquals("cybexp-input running, pid 7, up 1h2m, plugins: openphish", lines.get(0));
        assertTrue(lines.get(1).startsWith("NAME  PLUGIN     STATE           FETCHED  DELIVERED  DEAD-LETTERS  OUTBOX"
                + "  DELIVERY     NEXT-RUN"), lines.get(1));
        assertTrue(lines.get(2).matches("main\\s+openphish\\s+WAITING\\s+50\\s+49\\s+3\\s+0\\s+last 5m ago\\s+"
                + "2026-01-01T01:00:00Z\\s+-"), lines.get(2));
        assertTrue(lines.get(3).matches("b\\s+openphish\\s+INVALID_CONFIG\\s+0\\s+0\\s+0\\s+0\\s+-\\s+-\\s+"
                + "new config refused: timezone: unknown zone"), lines.get(3));
    }

    @Test
    void deliveryColumnSaysWhatTheDeliveryDoes() {
        assertEquals("retry in 12s after 503", delivery("\"delivery_state\":\"RETRYING\","
                + "\"delivery_retry_at\":\"2026-01-01T00:10:12Z\",\"delivery_error\":\"503 Service Unavailable\""));
        assertEquals("retry in 4m", delivery("\"delivery_state\":\"RETRYING\","
                + "\"delivery_retry_at\":\"2026-01-01T00:14:59Z\",\"delivery_error\":\"Connect to 127.0.0.1 refused\""));
        assertEquals("retry now after 500", delivery("\"delivery_state\":\"RETRYING\","
                + "\"delivery_retry_at\":\"2026-01-01T00:09:00Z\",\"delivery_error\":\"500 down\""));
        assertEquals("token rejected", delivery("\"delivery_state\":\"TOKEN_REJECTED\","
                + "\"delivery_retry_at\":\"2026-01-01T00:14:00Z\""));
        assertEquals("delivering", delivery("\"delivery_state\":\"DELIVERING\""));
        assertEquals("last 2d ago", delivery("\"delivery_state\":\"IDLE\","
                + "\"last_delivery\":\"2025-12-30T00:00:00Z\""));
        assertEquals("-", delivery("\"delivery_state\":\"IDLE\""));
        assertEquals("-", delivery("\"state\":\"WAITING\""), "a daemon without delivery state");
    }

    private static String delivery(String fields) {
        @SuppressWarnings("unchecked")
        Map<String, Object> input = (Map<String, Object>) Json.parse("{" + fields + "}");
        return StatusTable.delivery(input, NOW);
    }

    private static DaemonClient.Answer answer(String line) {
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) Json.parse(line);
        return new DaemonClient.Answer(line, body);
    }
}
