package org.cybexp.input.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The log line of a refused control request, at most one per interval with a count of the ones in between:
 * anyone on the machine can send bad requests, and one line each would fill the disk.
 */
final class RefusalLog {

    static final Duration INTERVAL = Duration.ofSeconds(10);

    private final Clock clock;
    private final Consumer<String> log;
    private Instant lastLine;
    private long unlogged;

    RefusalLog(Clock clock, Consumer<String> log) {
        this.clock = clock;
        this.log = log;
    }

    synchronized void refused(String why, int clientPort) {
        Instant now = clock.instant();
        if (lastLine != null && now.isBefore(lastLine.plus(INTERVAL))) {
            unlogged++;
            return;
        }
        log.accept("Control request refused (" + why + ") from client port " + clientPort
                + (unlogged == 0 ? "" : "; " + unlogged + " more refused in the last "
                        + Duration.between(lastLine, now).toSeconds() + " s"));
        lastLine = now;
        unlogged = 0;
    }
}
