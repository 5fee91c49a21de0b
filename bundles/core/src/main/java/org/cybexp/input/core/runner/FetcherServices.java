package org.cybexp.input.core.runner;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.DoubleSupplier;

import org.cybexp.input.core.control.EventStore;
import org.cybexp.input.core.http.SharedHttpClient;

/**
 * What every {@link CybexSourceFetcher} shares; tests pass a controllable clock, scheduler and random source.
 *
 * @param events the durable outbox
 * @param dataDir the data folder (stores go under {@code state/<input>/})
 * @param http the pooled HTTP clients
 * @param clock the time
 * @param scheduler times the fetches (fetches themselves run on their own threads)
 * @param random uniform in [0, 1), for the backoff jitter
 */
public record FetcherServices(EventStore events, Path dataDir, SharedHttpClient http, Clock clock,
        ScheduledExecutorService scheduler, DoubleSupplier random) {
}
