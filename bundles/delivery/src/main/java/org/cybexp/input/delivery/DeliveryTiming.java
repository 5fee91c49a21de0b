package org.cybexp.input.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Time and timers of the deliverers, injected so tests control them. The scheduler only wakes deliverers up
 * (their requests run on their own threads); the service shuts it down when deactivated.
 *
 * @param tokenProbe how long to wait before trying one event again after the API refused the token
 */
record DeliveryTiming(Clock clock, ScheduledExecutorService scheduler, RetrySchedule retry, Duration tokenProbe) {

    static DeliveryTiming standard() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "cybexp-delivery-timer");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        return new DeliveryTiming(Clock.systemUTC(), scheduler, RetrySchedule.standard(), Duration.ofMinutes(5));
    }
}
