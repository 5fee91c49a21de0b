package org.cybexp.input.core.control;

/** What an input is doing, as shown in status. */
public enum InputState {
    /** A fetch (or the stream) is running. */
    RUNNING,
    /** Waiting for its next period. */
    WAITING,
    /** The last fetch failed; waiting out the backoff before trying again. */
    BACKING_OFF,
    /** Its outbox (or all outboxes together) is over its cap: fetching waits until delivery makes room. */
    BACK_PRESSURE,
    /** Stopped by a user (or never started). */
    STOPPED,
    /** Disabled in its configuration ({@code enabled = false}). */
    DISABLED,
    /** Its configuration is invalid: see the error. */
    INVALID_CONFIG,
    /** The plugin bundle that serves it is not installed or not active. */
    PLUGIN_MISSING
}
