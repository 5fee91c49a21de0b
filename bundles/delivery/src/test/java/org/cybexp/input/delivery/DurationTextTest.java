package org.cybexp.input.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.cybexp.input.core.control.Backoff;

class DurationTextTest {

    @Test
    void writesDurationsAsPeopleDo() {
        assertEquals("5 min", DurationText.of(Duration.ofMinutes(5)));
        assertEquals("30 s", DurationText.of(Duration.ofSeconds(30)));
        assertEquals("1 h 2 min", DurationText.of(Duration.ofMinutes(62)));
        assertEquals("1 h", DurationText.of(Backoff.MAX));
        assertEquals("3 min 1 s", DurationText.of(Duration.ofSeconds(181)));
        assertEquals("2 d 3 h", DurationText.of(Duration.ofHours(51)));
    }

    @Test
    void shortDelaysKeepTheirMillisecondsOrTenths() {
        assertEquals("0 ms", DurationText.of(Duration.ZERO));
        assertEquals("250 ms", DurationText.of(Duration.ofMillis(250)));
        assertEquals("1.5 s", DurationText.of(Duration.ofMillis(1500)));
        assertEquals("2 s", DurationText.of(Duration.ofMillis(2000)));
        assertEquals("10 s", DurationText.of(Duration.ofMillis(9990)));
        assertEquals("59 s", DurationText.of(Duration.ofMillis(59_400)));
    }

    @Test
    void roundsToTheSmallerUnitShown() {
        assertEquals("1 min", DurationText.of(Duration.ofMillis(59_600)));
        assertEquals("1 h", DurationText.of(Duration.ofSeconds(3599).plusMillis(600)));
        assertEquals("1 h 1 min", DurationText.of(Duration.ofSeconds(3660)));
    }
}
