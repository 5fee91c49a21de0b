package org.cybexp.input.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When to try again after a transient failure: exponential backoff with full jitter,
 * {@code min(3600 s, uniform[0, base * 2^n])} for n consecutive failures, or the API's {@code Retry-After} when
 * that is longer (capped the same way).
 */
final class RetrySchedule {

    static final Duration CAP = Duration.ofHours(1);

    private final Duration base;
    private final DoubleSupplier random;

    /**
     * @param base the unit of the exponential (1 s in production; tests use milliseconds)
     * @param random uniform in [0, 1)
     */
    RetrySchedule(Duration base, DoubleSupplier random) {
        this.base = base;
        this.random = random;
    }

    static RetrySchedule standard() {
        return new RetrySchedule(Duration.ofSeconds(1), () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param failures consecutive failures, at least 1
     * @param retryAfter what the API asked for, or null
     */
    Duration delay(int failures, Duration retryAfter) {
        double ceilingMillis = base.toMillis() * Math.pow(2, Math.min(failures, 40));
        long jitter = (long) Math.min(CAP.toMillis(), random.getAsDouble() * ceilingMillis);
        Duration delay = Duration.ofMillis(jitter);
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            return retryAfter.compareTo(CAP) > 0 ? CAP : retryAfter;
        }
        return delay;
    }
}
