package org.cybexp.input.api;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the container offers an input during one call of {@link SourceInput#fetch(FetchContext)}.
 * Implemented by the container; plugins only call it.
 */
@ProviderType
public interface FetchContext {

    /** The input's validated configuration. */
    InputConfig config();

    /**
     * Hands an event over for delivery. Events whose {@linkplain Event#dedupKeys() dedup keys} were all
     * emitted before by this input are dropped. Emitted events are stored durably at the next
     * {@link #checkpoint()} or when the call returns normally, never later.
     *
     * @throws StopRequestedException if an immediate stop was requested; let it propagate
     */
    void emit(Event event);

    /**
     * Whether this input already emitted an event with this dedup key (and the event was stored). Survives
     * restarts and plugin updates. Lets a plugin skip work early; {@link #emit(Event)} checks again anyway.
     */
    boolean seen(String dedupKey);

    /**
     * The input's persistent state (cursors, validators). Writes are staged and committed only after the
     * events emitted before them are stored.
     */
    PersistentState state();

    /**
     * Stores the events emitted so far, then commits the state staged so far. Call it between batches of a
     * long fetch or stream so that a failure or restart resumes from here.
     *
     * @throws java.io.UncheckedIOException if the events cannot be stored (e.g. disk full); nothing is committed
     */
    void checkpoint();

    /** The shared HTTP client, configured with this input's TLS, proxy, timeout and User-Agent settings. */
    HttpAccess http();

    /**
     * Whether a stop was requested, graceful or immediate. A polling input finishes its current batch and
     * returns; a streaming input checkpoints and returns.
     */
    boolean stopRequested();

    /**
     * Whether an immediate stop was requested: return now without finishing the batch. The container also
     * interrupts the fetching thread and closes resources registered with {@link #closeOnStop(Closeable)}.
     */
    boolean stopNow();

    /**
     * Waits until a stop is requested or the timeout passes, for streaming inputs that have nothing to do
     * but wait. Returns at once when a stop is requested.
     *
     * @return true if a stop was requested
     */
    boolean awaitStop(Duration timeout) throws InterruptedException;

    /**
     * Registers a resource (socket, session, stream) that the container closes on an immediate stop or when
     * the call ends, so a blocked read returns and nothing leaks.
     */
    void closeOnStop(Closeable resource);

    /**
     * Counts a malformed record that was skipped (shown in status) and logs the reason with the first bytes of
     * the sample only.
     */
    void malformed(String reason, byte[] sample);

    /** Sets a short progress or connection line shown in status, e.g. {@code connected} or {@code 120/500}. */
    void progress(String detail);

    /** The container's clock; use it instead of the system clock so tests control time. */
    Clock clock();
}
