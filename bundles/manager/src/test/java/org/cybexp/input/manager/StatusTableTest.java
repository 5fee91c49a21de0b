package org.cybexp.input.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.cybexp.input.core.control.DeliveryState;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.junit.jupiter.api.Test;

/** The one status table (CLI and shell): aligned columns, the key of an error first, errors that clear. */
class StatusTableTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");

    @Test
    void rendersOneRowPerInputWithItsDetail() {
        InputStatus main = status("main", InputState.WAITING, "50 urls, 10 new", null, null, null,
                Instant.parse("2026-01-01T00:05:00Z"), DeliveryState.IDLE, null, null);
        InputStatus bad = InputStatus.idle("b", "openphish", InputState.INVALID_CONFIG,
                "timezone: unknown zone 'Mars/Base' (invalid configuration in etc/cybexp.source.openphish-b.cfg)")
                .with(InputState.INVALID_CONFIG,
                        "timezone: unknown zone 'Mars/Base' (invalid configuration in etc/cybexp.source.openphish-b.cfg)");
        List<String> lines = StatusTable.render(7, Duration.ofSeconds(3725), List.of("openphish"),
                List.of(main, bad), NOW).lines().toList();

        assertEquals("cybexp-input running, pid 7, up 1h2m, plugins: openphish", lines.get(0));
        assertTrue(lines.get(1).startsWith("NAME  PLUGIN     STATE           FETCHED  DELIVERED  DEAD-LETTERS  OUTBOX"
                + "  DELIVERY     NEXT-RUN"), lines.get(1));
        assertTrue(lines.get(2).matches("main\\s+openphish\\s+WAITING\\s+50\\s+49\\s+3\\s+0\\s+last 5m ago\\s+"
                + "2026-01-01T01:00:00Z\\s+50 urls, 10 new\\s+-"), lines.get(2));
        assertTrue(lines.get(3).matches("b\\s+openphish\\s+INVALID_CONFIG\\s+0\\s+0\\s+0\\s+0\\s+-\\s+-\\s+-\\s+"
                + "timezone: unknown zone .*"), lines.get(3));
    }

    @Test
    void aLongErrorKeepsItsKeyAndIsCutAtTheEnd() {
        String reason = "url: " + "x".repeat(300) + " (new configuration in etc/cybexp.source.openphish-main.cfg)";
        InputStatus s = status("main", InputState.WAITING, "", null, null, null, null, DeliveryState.IDLE, null,
                null).with(InputState.WAITING, reason);
        String error = StatusTable.error(s, NOW);
        assertTrue(error.startsWith("new config refused: url: "), error);
        assertEquals(StatusTable.MAX_ERROR, StatusTable.render(1, Duration.ZERO, List.of(), List.of(s), NOW)
                .lines().toList().get(2).replaceFirst("^.*?new config refused", "new config refused").length());
    }

    @Test
    void theLastErrorShowsItsAgeAndClearsOnceTheInputSucceedsAgain() {
        Instant failed = Instant.parse("2026-01-01T00:07:00Z");
        InputStatus failing = status("main", InputState.BACKING_OFF, "", "GET failed: timeout", failed, null, null,
                DeliveryState.IDLE, null, null);
        assertEquals("3m ago: GET failed: timeout", StatusTable.error(failing, NOW));

        InputStatus fetchedSince = status("main", InputState.WAITING, "", "GET failed: timeout", failed,
                failed.plusSeconds(60), null, DeliveryState.IDLE, null, null);
        assertEquals("-", StatusTable.error(fetchedSince, NOW));

        InputStatus deliveredSince = status("main", InputState.WAITING, "", "503 busy", failed, null,
                failed.plusSeconds(5), DeliveryState.IDLE, null, null);
        assertEquals("-", StatusTable.error(deliveredSince, NOW));

        InputStatus stillRetrying = status("main", InputState.WAITING, "", "503 busy", failed, null,
                failed.plusSeconds(5), DeliveryState.RETRYING, NOW.plusSeconds(10), "503 busy");
        assertEquals("3m ago: 503 busy", StatusTable.error(stillRetrying, NOW));
    }

    @Test
    void deliveryColumnSaysWhatTheDeliveryDoes() {
        assertEquals("retry in 12s after 503", delivery(DeliveryState.RETRYING, NOW.plusSeconds(12),
                "503 Service Unavailable", null));
        assertEquals("retry in 4m", delivery(DeliveryState.RETRYING, NOW.plusSeconds(299),
                "Connect to 127.0.0.1 refused", null));
        assertEquals("retry now after 500", delivery(DeliveryState.RETRYING, NOW.minusSeconds(60), "500 down", null));
        assertEquals("token rejected", delivery(DeliveryState.TOKEN_REJECTED, NOW.plusSeconds(240), null, null));
        assertEquals("wrong endpoint", delivery(DeliveryState.WRONG_ENDPOINT, NOW.plusSeconds(240), null, null));
        assertEquals("delivering", delivery(DeliveryState.DELIVERING, null, null, null));
        assertEquals("last 2d ago", delivery(DeliveryState.IDLE, null, null, Instant.parse("2025-12-30T00:00:00Z")));
        assertEquals("-", delivery(DeliveryState.IDLE, null, null, null));
        assertEquals("-", delivery(null, null, null, null));
    }

    @Test
    void detailShowsEveryField() {
        InputStatus s = status("main", InputState.WAITING, "connected to ws://127.0.0.1:1/", "boom",
                Instant.parse("2026-01-01T00:09:00Z"), null, null, DeliveryState.IDLE, null, null);
        String detail = StatusTable.detail(s, NOW);
        assertTrue(detail.contains("detail:         connected to ws://127.0.0.1:1/"), detail);
        assertTrue(detail.contains("last error:     1m ago: boom"), detail);
        assertTrue(detail.contains("fetched:        50 (4 duplicates, 2 malformed)"), detail);
        assertFalse(detail.contains("  refused:"), detail);

        InputStatus undated = status("main", InputState.WAITING, "", "url: must be an http URL", null, null, null,
                DeliveryState.IDLE, null, null);
        assertTrue(StatusTable.detail(undated, NOW).contains("last error:     url: must be an http URL"),
                "an error without a time has no 'never:' before it");
    }

    @Test
    void detailShowsTheRefusedCountAndThePluginsStructuredStatus() {
        InputStatus s = status("main", InputState.RUNNING, "", null, null, null, null, DeliveryState.IDLE, null,
                null);
        s = new InputStatus(s.name(), s.plugin(), s.state(), s.detail(), s.fetched(), s.duplicates(),
                s.malformed(), s.delivered(), s.deadLettered(), s.outboxDepth(), s.fetchFailures(),
                s.consecutiveFailures(), s.lastError(), s.lastErrorAt(), s.lastSuccess(), s.nextRun(),
                s.configError(), s.deadLetters(), s.lastDelivery(), s.deliveryState(), s.deliveryRetryAt(),
                s.deliveryError(), 12, java.util.Map.of("files", java.util.List.of(
                    java.util.Map.of("path", "/var/log/eve.json"))));
        String detail = StatusTable.detail(s, NOW);
        assertTrue(detail.contains("refused:        12 (outbox full"), detail);
        assertTrue(detail.contains("files:          [{path=/var/log/eve.json}]"), detail);
    }

    private static String delivery(DeliveryState state, Instant retryAt, String error, Instant last) {
        return StatusTable.delivery(status("x", InputState.WAITING, "", null, null, null, last, state, retryAt,
                error), NOW);
    }

    private static InputStatus status(String name, InputState state, String detail, String error, Instant errorAt,
            Instant lastSuccess, Instant lastDelivery, DeliveryState delivery, Instant retryAt,
            String deliveryError) {
        return new InputStatus(name, "openphish", state, detail, 50, 4, 2, 49, 1, 0, 0, 0, error, errorAt,
                lastSuccess, Instant.parse("2026-01-01T01:00:00.123456Z"), null, 3, lastDelivery, delivery, retryAt,
                deliveryError);
    }
}
