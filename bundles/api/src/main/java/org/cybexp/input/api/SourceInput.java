package org.cybexp.input.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One configured input of a plugin, as opened by {@link SourcePlugin#open(InputConfig)}.
 *
 * <p>A {@link Mode#POLLING polling} input is called once per period; each call fetches what is there now and
 * returns. A {@link Mode#STREAMING streaming} input (websocket, syslog, upload) is called once and runs until
 * {@link FetchContext#stopRequested()}; if it returns or throws before that, the container calls it again after
 * a backoff.
 *
 * <p>A listener (syslog, upload, a line listener) is a streaming input that binds its port in
 * {@link #fetch(FetchContext)}, never in {@link SourcePlugin#open(InputConfig)} nor in a constructor, and
 * releases it before {@code fetch} returns. The container guarantees that the previous instance of an input
 * (before a configuration edit, a plugin update or a restart) has returned from {@code fetch} and was
 * {@linkplain #close() closed} before the new instance's {@code fetch} is called, so the new one can bind the
 * same port. It may emit from many threads (see {@link FetchContext}); it answers its senders only after
 * {@link FetchContext#emitDurably(Event)} said {@link EmitResult#STORED}.
 *
 * <p>Events emitted during a call are stored durably before the state staged in the same call is committed
 * (see {@link FetchContext#checkpoint()}). If the call throws, events already checkpointed stay stored and the
 * staged state after the last checkpoint is discarded, so the next call starts from the last safe point.
 *
 * @since 1.0
 */
@ConsumerType
public interface SourceInput extends AutoCloseable {

    /** How the container drives an input. */
    enum Mode {
        /** {@link SourceInput#fetch(FetchContext)} is called once per period and returns. */
        POLLING,
        /** {@link SourceInput#fetch(FetchContext)} is called once and runs until a stop is requested. */
        STREAMING
    }

    /** How this input is driven; polling unless overridden. */
    default Mode mode() {
        return Mode.POLLING;
    }

    /**
     * Fetches (polling) or receives (streaming) events and hands them to {@link FetchContext#emit(Event)}.
     *
     * @param ctx this input's context, valid for the duration of the call
     * @throws Exception any failure of this fetch; the container records it in status and backs off. Throw
     *         {@link SourceException} with a clear message for failures of the source (an HTML page instead
     *         of a feed, a rejected key); the message is shown to users, so it must not contain secrets.
     */
    void fetch(FetchContext ctx) throws Exception;

    /**
     * Releases what the input holds (sockets, listeners). Called once when the input is stopped for good,
     * including when its plugin bundle is removed. Must not block for long.
     */
    @Override
    default void close() {
    }
}
