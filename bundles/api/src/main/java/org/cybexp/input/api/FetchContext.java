package org.cybexp.input.api;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the container offers an input during one call of {@link SourceInput#fetch(FetchContext)}.
 * Implemented by the container; plugins only call it.
 *
 * <p>Every method is thread-safe: a listener may emit from many threads (one per connection, a Netty event
 * loop) during its single {@code fetch} call. The context is valid until that call returns; events emitted
 * after it are refused with {@link StopRequestedException}.
 *
 * <p>Two ways to hand over events: {@link #emit(Event)} buffers them and stores them at the next
 * {@link #checkpoint()} (pollers, and listeners whose senders need no receipt, e.g. UDP syslog);
 * {@link #emitDurably(Event)} stores each event as soon as possible, grouped with other threads' events into
 * one fsync, and says when it is on disk, so a listener answers its sender (HTTP 202, RELP {@code rsp}) only
 * after the disk has it.
 */
@ProviderType
public interface FetchContext {

    /** The input's validated configuration. */
    InputConfig config();

    /**
     * Hands an event over for delivery. Events whose {@linkplain Event#dedupKeys() dedup keys} were all
     * emitted before by this input are dropped. Emitted events are stored durably at the next
     * {@link #checkpoint()} or when the call returns normally, never later. Thread-safe.
     *
     * <p>May block while the input's outbox is over its cap (back-pressure) when it stores a full batch; a
     * listener that must not block checks {@link #accepting()} first, or uses {@link #emitDurably(Event)}.
     *
     * @throws StopRequestedException if an immediate stop was requested; let it propagate
     * @throws IllegalArgumentException if the event carries an {@linkplain Event#orgid() orgid} or
     *         {@linkplain Event#typetag() typetag} this input may not post for ({@code allowed_orgids},
     *         {@code allowed_typetags}); the message says which
     */
    void emit(Event event);

    /**
     * Stores an event durably without blocking the caller: the returned stage completes once the event is
     * on disk ({@link EmitResult#STORED}), at once when all its dedup keys were stored before
     * ({@link EmitResult#DUPLICATE}), or at once when the outbox is over its cap
     * ({@link EmitResult#REFUSED_FULL}, nothing stored). Events of many threads are grouped into one fsync.
     * Events buffered by {@link #emit(Event)} before are stored with them; state staged with
     * {@link #state()} is not committed by it (call {@link #checkpoint()} for that).
     *
     * <p>The stage completes exceptionally with {@link StopRequestedException} when the call ends or an
     * immediate stop is requested before the event is stored, with {@link java.io.UncheckedIOException} when
     * it cannot be stored (a full disk), and with {@link IllegalArgumentException} for an orgid or typetag the
     * input does not allow. In every exceptional case the event is not stored: do not acknowledge it.
     *
     * <p>Callbacks attached to the stage run on the container's storing thread: keep them short (write the
     * answer, do not block).
     *
     * @since 1.2
     */
    CompletionStage<EmitResult> emitDurably(Event event);

    /**
     * Whether the input's outbox takes more events now; false under back-pressure (the outbox, or all of them
     * together, is over its cap) or once a stop was requested. Never blocks: a UDP listener counts a drop, a
     * TCP listener stops reading, an HTTP endpoint answers 503 with {@code Retry-After} while it is false.
     *
     * @since 1.2
     */
    boolean accepting();

    /**
     * The input's network settings: client and server TLS contexts, proxy, User-Agent, timeout. For plugins
     * that open or accept connections themselves.
     *
     * @since 1.2
     */
    Network network();

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

    /**
     * Publishes one part of this input's structured status, shown under {@code details.<key>} in
     * {@code cybexp-input status --json} and in {@code status -n NAME}, e.g. per-file offsets of a tailer or the
     * drop counts of a UDP listener. The value replaces the key's previous one; {@code null} removes it. Values
     * are JSON-like: {@code Map<String, ?>}, {@code List<?>}, {@code String}, {@code Number}, {@code Boolean}
     * (anything else is shown as its {@code toString()}). Never put a secret in it. Cheap enough to call after
     * every batch, not after every record.
     *
     * @since 1.3
     */
    void statusDetail(String key, Object value);

    /** The container's clock; use it instead of the system clock so tests control time. */
    Clock clock();
}
