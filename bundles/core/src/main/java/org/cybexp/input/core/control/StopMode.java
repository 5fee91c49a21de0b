package org.cybexp.input.core.control;

/** The two stop signals of the original module. */
public enum StopMode {
    /** Finish the current batch, store it, then stop. */
    GRACEFUL,
    /** Leave now: interrupt the fetch and close its sockets; what was not stored is fetched again later. */
    IMMEDIATE
}
