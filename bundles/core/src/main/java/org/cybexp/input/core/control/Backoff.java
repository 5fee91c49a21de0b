package org.cybexp.input.core.control;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The wait after failures, the same for fetching and for delivery: {@code min(3600 s, base * 2^n + base * jitter)}
 * with jitter uniform in [0, 1), or the server's {@code Retry-After} when that is longer (also capped at an hour).
 * The jitter keeps inputs that failed together from retrying together.
 */
public final class Backoff {

    public static final Duration MAX = Duration.ofHours(1);
    /** Past the cap long before this with any base of a millisecond or more; more would only overflow. */
    private static final int MAX_EXPONENT = 40;

    private final Duration base;
    private final DoubleSupplier random;

    /**
     * @param base the unit of the exponential: 1 s in production, milliseconds in tests
     * @param random uniform in [0, 1)
     */
    public Backoff(Duration base, DoubleSupplier random) {
        this.base = base;
        this.random = random;
    }

    /** Seconds as the unit, with the thread's random. */
    public static Backoff standard() {
        return new Backoff(Duration.ofSeconds(1), () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param consecutiveFailures how many failures in a row, 1 for the first
     * @param retryAfter what the server asked for, or null
     */
    public Duration delay(int consecutiveFailures, Duration retryAfter) {
        double units = Math.pow(2, Math.min(Math.max(consecutiveFailures, 0), MAX_EXPONENT)) + random.getAsDouble();
        double millis = Math.min(MAX.toMillis(), units * base.toMillis());
        Duration delay = Duration.ofMillis(Math.round(millis));
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter.compareTo(MAX) > 0 ? MAX : retryAfter;
        }
        return delay;
    }
}
