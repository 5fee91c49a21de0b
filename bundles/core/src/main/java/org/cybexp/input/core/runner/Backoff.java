package org.cybexp.input.core.runner;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The wait after failures: {@code min(3600 s, 2^n s + jitter)} with jitter uniform in [0, 1) s, or the
 * server's Retry-After when longer (also capped at 3600 s).
 */
final class Backoff {

    static final Duration MAX = Duration.ofHours(1);
    /** 2^12 s is already past the cap; stop doubling there. */
    private static final int MAX_EXPONENT = 12;

    private final DoubleSupplier random;

    /** @param random uniform in [0, 1), e.g. {@code ThreadLocalRandom.current()::nextDouble} */
    Backoff(DoubleSupplier random) {
        this.random = random;
    }

    Duration delay(int consecutiveFailures, Duration retryAfter) {
        double seconds = Math.pow(2, Math.min(Math.max(consecutiveFailures, 0), MAX_EXPONENT)) + random.getAsDouble();
        Duration delay = Duration.ofMillis(Math.round(Math.min(MAX.toSeconds(), seconds) * 1000));
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter.compareTo(MAX) > 0 ? MAX : retryAfter;
        }
        return delay;
    }
}
