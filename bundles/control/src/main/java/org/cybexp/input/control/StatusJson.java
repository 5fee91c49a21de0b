package org.cybexp.input.control;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.cybexp.input.core.control.InputStatus;

/** One input's status as the JSON object the CLI reads: snake_case keys, instants as ISO-8601 strings. */
final class StatusJson {

    private StatusJson() {
    }

    static Map<String, Object> of(InputStatus s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", s.name());
        out.put("plugin", s.plugin());
        out.put("state", s.state() == null ? null : s.state().name());
        out.put("detail", s.detail());
        out.put("fetched", s.fetched());
        out.put("duplicates", s.duplicates());
        out.put("malformed", s.malformed());
        out.put("delivered", s.delivered());
        out.put("dead_lettered", s.deadLettered());
        out.put("outbox_depth", s.outboxDepth());
        out.put("fetch_failures", s.fetchFailures());
        out.put("consecutive_failures", s.consecutiveFailures());
        out.put("last_error", s.lastError());
        out.put("last_error_at", iso(s.lastErrorAt()));
        out.put("last_success", iso(s.lastSuccess()));
        out.put("next_run", iso(s.nextRun()));
        out.put("config_error", s.configError());
        out.put("dead_letters", s.deadLetters());
        out.put("last_delivery", iso(s.lastDelivery()));
        out.put("delivery_state", s.deliveryState() == null ? null : s.deliveryState().name());
        out.put("delivery_retry_at", iso(s.deliveryRetryAt()));
        out.put("delivery_error", s.deliveryError());
        out.put("refused", s.refused());
        out.put("details", s.details());
        return out;
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
