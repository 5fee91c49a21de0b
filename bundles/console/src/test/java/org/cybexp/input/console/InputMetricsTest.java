package org.cybexp.input.console;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.cybexp.input.core.control.DeliveryState;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.junit.jupiter.api.Test;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

class InputMetricsTest {

    @Test
    void namesAndValuesFollowTheStatus() throws IOException {
        InputStatus main = new InputStatus("main", "openphish", InputState.WAITING, "", 7, 3, 2, 5, 1, 4, 6, 0, null,
                null, Instant.ofEpochSecond(1_700_000_000), null, null, 1, null, DeliveryState.IDLE, null, null);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new InputMetrics(() -> List.of(main), name -> 1234));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        String text = out.toString(StandardCharsets.UTF_8);
        for (String line : List.of(
                "cybexp_component_received_events_total{input=\"main\",plugin=\"openphish\"} 10.0",
                "cybexp_component_sent_events_total{input=\"main\",plugin=\"openphish\"} 5.0",
                "cybexp_component_errors_total{error_type=\"fetch_failed\",input=\"main\",stage=\"fetch\"} 6.0",
                "cybexp_component_errors_total{error_type=\"refused\",input=\"main\",stage=\"delivery\"} 1.0",
                "cybexp_component_discarded_events_total{input=\"main\",reason=\"duplicate\"} 3.0",
                "cybexp_component_discarded_events_total{input=\"main\",reason=\"malformed\"} 2.0",
                "cybexp_outbox_events{input=\"main\",plugin=\"openphish\"} 4.0",
                "cybexp_outbox_bytes{input=\"main\",plugin=\"openphish\"} 1234.0",
                "cybexp_deadletters{input=\"main\",plugin=\"openphish\"} 1.0",
                "cybexp_last_success_timestamp_seconds{input=\"main\",plugin=\"openphish\"} 1.7E9")) {
            assertTrue(text.contains(line + "\n"), line + " in\n" + text);
        }
    }
}
