package org.cybexp.input.manager.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.cybexp.input.core.control.InputStatus;

/** Renders input statuses as a fixed-width table for the shell. */
final class StatusTable {

    private static final String FORMAT = "%-20s %-10s %-14s %8s %9s %6s %6s %-20s %s%n";

    private StatusTable() {
    }

    static String render(List<InputStatus> inputs) {
        if (inputs.isEmpty()) {
            return "no inputs configured (add etc/cybexp.source.<plugin>-<name>.cfg)\n";
        }
        StringBuilder out = new StringBuilder(String.format(FORMAT, "NAME", "PLUGIN", "STATE", "FETCHED",
                "DELIVERED", "FAILED", "OUTBOX", "NEXT RUN", "LAST ERROR"));
        for (InputStatus s : inputs) {
            String error = s.configError() != null ? s.configError() : s.lastError() == null ? "" : s.lastError();
            out.append(String.format(FORMAT, s.name(), s.plugin(), s.state().name().toLowerCase(), s.fetched(),
                    s.delivered(), s.deadLettered() + s.fetchFailures(), s.outboxDepth(), time(s.nextRun()),
                    error));
        }
        return out.toString();
    }

    private static String time(Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
