package org.cybexp.input.console;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import org.cybexp.input.core.control.InputStatus;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The inputs' counters and gauges, read at each scrape from the same status the CLI shows ({@code status
 * --json}), named after Vector's component metrics with a {@code cybexp_} prefix. So a scrape and a status taken
 * at the same moment agree: {@code received = fetched + duplicates} (every record the input emitted),
 * {@code sent = delivered}, {@code discarded{reason=duplicate|malformed}}, {@code errors{stage=fetch}} =
 * fetch_failures, {@code errors{stage=delivery,error_type=refused}} = dead_lettered.
 */
final class InputMetrics implements MultiCollector {

    private final Supplier<List<InputStatus>> status;
    private final ToLongFunction<String> outboxBytes;

    /** @param outboxBytes an input's outbox size on disk, by its name */
    InputMetrics(Supplier<List<InputStatus>> status, ToLongFunction<String> outboxBytes) {
        this.status = status;
        this.outboxBytes = outboxBytes;
    }

    @Override
    public MetricSnapshots collect() {
        List<InputStatus> inputs = status.get();
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        out.metricSnapshot(counter("cybexp_component_received_events", "Records the input emitted (new and "
                + "duplicate)", inputs, s -> s.fetched() + s.duplicates()));
        out.metricSnapshot(counter("cybexp_component_sent_events", "Records the sink (the API or the archive) "
                + "accepted", inputs, InputStatus::delivered));
        CounterSnapshot.Builder errors = CounterSnapshot.builder().name("cybexp_component_errors")
                .help("Failed fetches (stage fetch) and records the API refused for good (stage delivery)");
        for (InputStatus s : inputs) {
            errors.dataPoint(point(Labels.of("input", s.name(), "error_type", "fetch_failed", "stage", "fetch"),
                    s.fetchFailures()));
            errors.dataPoint(point(Labels.of("input", s.name(), "error_type", "refused", "stage", "delivery"),
                    s.deadLettered()));
        }
        out.metricSnapshot(errors.build());
        CounterSnapshot.Builder discarded = CounterSnapshot.builder().name("cybexp_component_discarded_events")
                .help("Records dropped: duplicates (emitted before) and malformed (skipped by the plugin)");
        for (InputStatus s : inputs) {
            discarded.dataPoint(point(Labels.of("input", s.name(), "reason", "duplicate"), s.duplicates()));
            discarded.dataPoint(point(Labels.of("input", s.name(), "reason", "malformed"), s.malformed()));
        }
        out.metricSnapshot(discarded.build());
        out.metricSnapshot(gauge("cybexp_outbox_events", "Records waiting in the input's outbox", inputs,
                InputStatus::outboxDepth));
        out.metricSnapshot(gauge("cybexp_outbox_bytes", "Bytes of the input's outbox on disk", inputs,
                s -> outboxBytes.applyAsLong(s.name())));
        out.metricSnapshot(gauge("cybexp_deadletters", "Dead letters the input holds (until replayed or purged)",
                inputs, InputStatus::deadLetters));
        GaugeSnapshot.Builder success = GaugeSnapshot.builder().name("cybexp_last_success_timestamp_seconds")
                .help("When the input's last fetch succeeded (Unix time); absent before the first");
        for (InputStatus s : inputs) {
            if (s.lastSuccess() != null) {
                success.dataPoint(GaugeDataPointSnapshot.builder().labels(labels(s))
                        .value(seconds(s.lastSuccess())).build());
            }
        }
        out.metricSnapshot(success.build());
        return out.build();
    }

    private static CounterSnapshot counter(String name, String help, List<InputStatus> inputs,
            ToLongFunction<InputStatus> value) {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(help);
        inputs.forEach(s -> counter.dataPoint(point(labels(s), value.applyAsLong(s))));
        return counter.build();
    }

    private static GaugeSnapshot gauge(String name, String help, List<InputStatus> inputs,
            ToDoubleFunction<InputStatus> value) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
        inputs.forEach(s -> gauge.dataPoint(GaugeDataPointSnapshot.builder().labels(labels(s))
                .value(value.applyAsDouble(s)).build()));
        return gauge.build();
    }

    private static CounterDataPointSnapshot point(Labels labels, long value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static Labels labels(InputStatus s) {
        return Labels.of("input", s.name(), "plugin", String.valueOf(s.plugin()));
    }

    private static double seconds(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }
}
