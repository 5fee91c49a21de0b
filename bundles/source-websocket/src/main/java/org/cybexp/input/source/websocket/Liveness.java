package org.cybexp.input.source.websocket;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides when to ping the peer and when to give it up for dead. A ping goes out once the peer has been silent
 * for {@code interval} (frames flowing prove it alive, so a busy stream costs no pings); the peer is dead when
 * it sent nothing at all, not even the pong, within {@code timeout} of the ping. Works on counts of what was
 * heard rather than on times, so a clock that does not move (in tests) still tells an answer from none.
 * Used by the fetch thread only.
 */
final class Liveness {

    /** What the fetch thread must do now. */
    enum Action { NOTHING, PING, DEAD }

    private final Duration interval;
    private final Duration timeout;
    private Instant pingSentAt;
    private long heardAtPing;

    Liveness(Duration interval, Duration timeout) {
        this.interval = interval;
        this.timeout = timeout;
    }

    /**
     * @param lastHeard when the peer last sent something
     * @param heard how many things the peer sent so far (grows with every message, fragment and pong)
     */
    Action check(Instant now, Instant lastHeard, long heard) {
        if (interval.isZero()) {
            return Action.NOTHING;
        }
        if (pingSentAt != null) {
            if (heard != heardAtPing) {
                pingSentAt = null;
            } else if (!now.isBefore(pingSentAt.plus(timeout))) {
                return Action.DEAD;
            } else {
                return Action.NOTHING;
            }
        }
        if (!now.isBefore(lastHeard.plus(interval))) {
            pingSentAt = now;
            heardAtPing = heard;
            return Action.PING;
        }
        return Action.NOTHING;
    }

    /** The timeout, for the error message. */
    Duration timeout() {
        return timeout;
    }
}
