package org.cybexp.input.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), () -> 0.25);

    @Test
    void doublesWithJitterUpToAnHour() {
        assertEquals(Duration.ofMillis(2250), backoff.delay(1, null));
        assertEquals(Duration.ofMillis(4250), backoff.delay(2, null));
        assertEquals(Duration.ofMillis(1024_250), backoff.delay(10, null));
        assertEquals(Duration.ofHours(1), backoff.delay(12, null));
        assertEquals(Duration.ofHours(1), backoff.delay(Integer.MAX_VALUE, null));
    }

    @Test
    void honoursALongerRetryAfterUpToAnHour() {
        assertEquals(Duration.ofSeconds(90), backoff.delay(1, Duration.ofSeconds(90)));
        assertEquals(Duration.ofMillis(4250), backoff.delay(2, Duration.ofSeconds(1)));
        assertEquals(Duration.ofHours(1), backoff.delay(1, Duration.ofDays(2)));
    }

    @Test
    void theBaseIsTheUnit() {
        Backoff fast = new Backoff(Duration.ofMillis(1), () -> 0.5);
        assertEquals(Duration.ofMillis(3), fast.delay(1, null));
        assertEquals(Duration.ofMillis(1025), fast.delay(10, null));
        assertEquals(Backoff.MAX, fast.delay(1000, null));
        assertEquals(Duration.ofSeconds(120), fast.delay(3, Duration.ofSeconds(120)));
    }
}
