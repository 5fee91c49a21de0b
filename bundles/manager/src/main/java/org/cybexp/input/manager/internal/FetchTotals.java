package org.cybexp.input.manager.internal;

import org.cybexp.input.core.control.InputStatus;

/**
 * The fetch counters of an input's ended runners. A configuration edit, a restart or a plugin update starts a
 * new runner whose own counters start at zero; the input's counters go on, like its delivery counters, which
 * the outbox keeps. Guarded by the manager's lock.
 */
final class FetchTotals {

    private long fetched;
    private long duplicates;
    private long malformed;
    private long fetchFailures;

    /** Adds the final counters of a runner that ended. */
    void add(InputStatus ended) {
        fetched += ended.fetched();
        duplicates += ended.duplicates();
        malformed += ended.malformed();
        fetchFailures += ended.fetchFailures();
    }

    /** The shown status with the input's counters: these totals plus those of the runners still running. */
    InputStatus over(InputStatus shown, InputStatus... running) {
        long f = fetched;
        long d = duplicates;
        long m = malformed;
        long ff = fetchFailures;
        for (InputStatus r : running) {
            f += r.fetched();
            d += r.duplicates();
            m += r.malformed();
            ff += r.fetchFailures();
        }
        return new InputStatus(shown.name(), shown.plugin(), shown.state(), shown.detail(), f, d, m,
                shown.delivered(), shown.deadLettered(), shown.outboxDepth(), ff, shown.consecutiveFailures(),
                shown.lastError(), shown.lastErrorAt(), shown.lastSuccess(), shown.nextRun(), shown.configError(),
                shown.deadLetters(), shown.lastDelivery(), shown.deliveryState(), shown.deliveryRetryAt(),
                shown.deliveryError());
    }
}
