package org.cybexp.input.source.phishtank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;

import org.cybexp.input.testkit.TestClock;
import org.junit.jupiter.api.Test;

class RateLimitWaitTest {

    private final TestClock clock = TestClock.at("2024-05-06T00:00:00Z");

    private Duration wait(String retryAfter, String interval) {
        return RateLimitWait.of(Optional.ofNullable(retryAfter), Optional.ofNullable(interval), clock);
    }

    @Test
    void theIntervalHeaderIsReadAsPhishTankWritesIt() {
        assertEquals(Duration.ofSeconds(259_200), wait(null, "259200 Seconds"));
        assertEquals(Duration.ofSeconds(3600), wait(null, "3600"));
        assertEquals(Duration.ofMinutes(15), wait(null, " 15 minutes "));
        assertEquals(Duration.ofHours(2), wait(null, "2 Hours"));
        assertEquals(RateLimitWait.DEFAULT, wait(null, "soon"));
        assertEquals(RateLimitWait.DEFAULT, wait(null, null));
    }

    @Test
    void retryAfterWinsInSecondsOrAsADate() {
        assertEquals(Duration.ofSeconds(120), wait("120", "259200 Seconds"));
        assertEquals(Duration.ofMinutes(30), wait("Mon, 06 May 2024 00:30:00 GMT", null));
        assertEquals(Duration.ZERO, wait("Sun, 05 May 2024 23:00:00 GMT", null));
        assertEquals(Duration.ofSeconds(259_200), wait("garbage", "259200 Seconds"), "unreadable: the interval");
    }

    @Test
    void aWaitIsNeverLongerThanAWeek() {
        assertEquals(RateLimitWait.MAX, wait(null, "99999999 days"));
        assertEquals(RateLimitWait.MAX, wait("999999999", null));
    }
}
