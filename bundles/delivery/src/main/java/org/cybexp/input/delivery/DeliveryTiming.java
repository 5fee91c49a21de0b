package org.cybexp.input.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import org.cybexp.input.core.control.Backoff;

/**
 * Time and timers of the deliverers, injected so tests control them. The scheduler only wakes deliverers up
 * (their requests run on their own threads); the service shuts it down when deactivated.
 *
 * @param pauseProbe how long to wait before trying one event again after the API refused the token or said the
 *        url is wrong
 * @param localRetry how long to wait before writing down an answer again when the local disk refused it (a full
 *        disk): short, so delivery goes on within seconds of space returning, and fixed, as it is no API failure
 */
record DeliveryTiming(Clock clock, ScheduledExecutorService scheduler, Backoff retry, Duration pauseProbe,
        Duration localRetry) {

    static final Duration PAUSE_PROBE = Duration.ofMinutes(5);
    static final Duration LOCAL_RETRY = Duration.ofSeconds(2);

    /** With the standard local retry. */
    DeliveryTiming(Clock clock, ScheduledExecutorService scheduler, Backoff retry, Duration pauseProbe) {
        this(clock, scheduler, retry, pauseProbe, LOCAL_RETRY);
    }

    static DeliveryTiming standard() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "cybexp-delivery-timer");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        return new DeliveryTiming(Clock.systemUTC(), scheduler, Backoff.standard(), PAUSE_PROBE, LOCAL_RETRY);
    }
}
