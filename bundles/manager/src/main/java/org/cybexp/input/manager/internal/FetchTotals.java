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
    private long refused;

    /** Adds the final counters of a runner that ended. */
    void add(InputStatus ended) {
        fetched += ended.fetched();
        duplicates += ended.duplicates();
        malformed += ended.malformed();
        fetchFailures += ended.fetchFailures();
        refused += ended.refused();
    }

    /** The shown status with the input's counters: these totals plus those of the runners still running. */
    InputStatus over(InputStatus shown, InputStatus... running) {
        long f = fetched;
        long d = duplicates;
        long m = malformed;
        long ff = fetchFailures;
        long rf = refused;
        for (InputStatus r : running) {
            f += r.fetched();
            d += r.duplicates();
            m += r.malformed();
            ff += r.fetchFailures();
            rf += r.refused();
        }
        return shown.withFetchCounters(f, d, m, ff, rf);
    }
}
