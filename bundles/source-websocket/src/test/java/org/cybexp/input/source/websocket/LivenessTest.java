package org.cybexp.input.source.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import org.cybexp.input.source.websocket.Liveness.Action;
import org.junit.jupiter.api.Test;

class LivenessTest {

    private static final Instant T0 = Instant.parse("2024-05-06T00:00:00Z");
    private final Liveness liveness = new Liveness(Duration.ofSeconds(30), Duration.ofSeconds(10));

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void pingsAfterTheIntervalOfSilenceAndGivesUpAfterTheTimeout() {
        assertEquals(Action.NOTHING, liveness.check(at(29), T0, 0));
        assertEquals(Action.PING, liveness.check(at(30), T0, 0));
        assertEquals(Action.NOTHING, liveness.check(at(39), T0, 0));
        assertEquals(Action.DEAD, liveness.check(at(40), T0, 0));
    }

    @Test
    void anythingHeardAfterThePingAnswersIt() {
        assertEquals(Action.PING, liveness.check(at(30), T0, 5));
        assertEquals(Action.NOTHING, liveness.check(at(45), at(30), 6), "the pong came");
        assertEquals(Action.PING, liveness.check(at(60), at(30), 6), "silent again for 30 s");
    }

    @Test
    void aBusyStreamIsNeverPinged() {
        for (long s = 0; s < 300; s += 5) {
            assertEquals(Action.NOTHING, liveness.check(at(s), at(s), s));
        }
    }

    @Test
    void aZeroIntervalDisablesPings() {
        Liveness off = new Liveness(Duration.ZERO, Duration.ofSeconds(10));
        assertEquals(Action.NOTHING, off.check(at(3600), T0, 0));
    }
}
