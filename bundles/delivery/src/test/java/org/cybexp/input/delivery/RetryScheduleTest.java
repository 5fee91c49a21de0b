package org.cybexp.input.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    @Test
    void fullJitterBetweenZeroAndTwoToTheNSeconds() {
        assertEquals(Duration.ofSeconds(2), new RetrySchedule(Duration.ofSeconds(1), () -> 1.0).delay(1, null));
        assertEquals(Duration.ofSeconds(4), new RetrySchedule(Duration.ofSeconds(1), () -> 0.5).delay(3, null));
        assertEquals(Duration.ZERO, new RetrySchedule(Duration.ofSeconds(1), () -> 0.0).delay(5, null));
    }

    @Test
    void neverLongerThanAnHour() {
        RetrySchedule schedule = new RetrySchedule(Duration.ofSeconds(1), () -> 0.99);
        assertEquals(RetrySchedule.CAP, schedule.delay(12, null));
        assertEquals(RetrySchedule.CAP, schedule.delay(1000, null));
        assertEquals(RetrySchedule.CAP, schedule.delay(1, Duration.ofDays(2)));
    }

    @Test
    void retryAfterWinsWhenLonger() {
        RetrySchedule schedule = new RetrySchedule(Duration.ofSeconds(1), () -> 0.5);
        assertEquals(Duration.ofSeconds(120), schedule.delay(1, Duration.ofSeconds(120)));
        assertEquals(Duration.ofSeconds(8), schedule.delay(4, Duration.ofSeconds(3)));
    }
}
