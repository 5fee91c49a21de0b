package org.cybexp.input.core.control;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.cybexp.input.api.InputConfig;
import org.osgi.annotation.versioning.ProviderType;

/** One input, driven by the core: fetches on its period (polling) or runs its stream, backs off on failures. */
@ProviderType
public interface InputRunner {

    InputConfig config();

    /** Starts fetching (or streaming); the first fetch honours the rate limit and any persisted wait. */
    void start();

    /**
     * Stops fetching and waits up to {@code timeout} for the fetch in progress to end. A graceful stop lets the
     * current batch finish; an immediate one interrupts it and closes its sockets. Never waits for a backoff.
     *
     * @return true if no thread of this input is running any more
     */
    boolean stop(StopMode mode, Duration timeout);

    /**
     * Moves the next fetch to now, or to the earliest time the rate limit (and any wait the server asked for)
     * allows; a fetch in progress is left alone. A user's {@code fetch -n NAME}.
     *
     * @return when the next fetch starts, or empty if the runner is not started (or cannot fetch on demand)
     */
    default Optional<Instant> fetchNow() {
        return Optional.empty();
    }

    /** A snapshot of the input's state and counters. */
    InputStatus status();

    /** Stops immediately if needed and closes the plugin's input; the runner cannot be started again. */
    void close();
}
