package org.cybexp.input.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test sets and moves, for plugins that compute "since" windows or timestamps from
 * {@link org.cybexp.input.api.FetchContext#clock()}. Thread-safe.
 *
 * @since 1.0
 */
public final class TestClock extends Clock {

    private final ZoneId zone;
    private volatile Instant now;

    private TestClock(Instant now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** A clock standing at {@code instant}, in UTC. */
    public static TestClock at(Instant instant) {
        return new TestClock(instant, ZoneOffset.UTC);
    }

    /** A clock standing at an ISO instant, e.g. {@code 2024-05-06T00:00:00Z}. */
    public static TestClock at(String isoInstant) {
        return at(Instant.parse(isoInstant));
    }

    /** Moves the clock forward (or back, with a negative duration). */
    public void advance(Duration duration) {
        synchronized (this) {
            now = now.plus(duration);
        }
    }

    public void set(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view in another zone that shares this clock's time. */
    @Override
    public Clock withZone(ZoneId other) {
        TestClock shared = this;
        return new Clock() {
            @Override
            public Instant instant() {
                return shared.instant();
            }

            @Override
            public ZoneId getZone() {
                return other;
            }

            @Override
            public Clock withZone(ZoneId zoneId) {
                return shared.withZone(zoneId);
            }
        };
    }
}
