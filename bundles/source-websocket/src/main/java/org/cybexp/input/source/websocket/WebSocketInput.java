package org.cybexp.input.source.websocket;

import java.time.Duration;
import java.util.Optional;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.StopRequestedException;

/**
 * One configured websocket input: a streaming input that keeps one session open for as long as the container
 * lets it run, and posts the JSON objects of its text frames.
 *
 * <p>The plugin never retries or sleeps: when the session ends without a stop (the server closes it, the
 * connection breaks, the peer stops answering pings) the call stores what arrived and throws, and the
 * container's fetcher reconnects after its backoff (and not before {@code min_interval} after the last start).
 * A graceful stop closes the session, stores what arrived and returns; an immediate stop closes the session
 * from the container's thread (it is registered with {@link FetchContext#closeOnStop}) and returns at once,
 * dropping an open batch.
 */
final class WebSocketInput implements SourceInput {

    /** The longest the fetch thread waits before it looks at stop requests, batch and ping timers again. */
    static final Duration TICK = Duration.ofMillis(200);
    /** The queue between the library's read thread and the fetch thread holds at least this many chars. */
    static final long MIN_QUEUE_BUDGET = 8L * 1024 * 1024;

    private final WebSocketSettings settings;
    private final WebSocketConnector connector;
    private final Duration messageDeadline;

    WebSocketInput(WebSocketSettings settings) {
        this(settings, Duration.ofSeconds(WebSocketPlugin.DEFAULT_MAX_MESSAGE_SECONDS));
    }

    /** @param messageDeadline how long one message may take from its first fragment to its last */
    WebSocketInput(WebSocketSettings settings, Duration messageDeadline) {
        this.settings = settings;
        this.connector = new WebSocketConnector(settings);
        this.messageDeadline = messageDeadline;
    }

    @Override
    public Mode mode() {
        return Mode.STREAMING;
    }

    @Override
    public void fetch(FetchContext ctx) throws SourceException, InterruptedException {
        FrameQueue queue = new FrameQueue(Math.max(MIN_QUEUE_BUDGET, 2L * settings.maxFrameBytes()));
        FrameEndpoint endpoint = new FrameEndpoint(queue, settings.maxFrameBytes(), ctx.clock());
        ctx.progress("connecting to " + settings.url().display());
        try {
            Optional<WebSocketConnection> connection = connector.connect(endpoint, ctx);
            if (connection.isEmpty()) {
                ctx.progress("disconnected: stopped while connecting");
                return;
            }
            try (WebSocketConnection open = connection.get()) {
                ctx.closeOnStop(open);
                new SessionLoop(ctx, settings, open, queue, endpoint, messageDeadline).run();
            }
            if (ctx.stopNow()) {
                ctx.progress("disconnected: stopped");
            }
        } catch (InterruptedException e) {
            if (!ctx.stopNow()) {
                throw e;
            }
            // the container's immediate stop: it interrupted us on purpose and drops what was not stored
            ctx.progress("disconnected: stopped");
        } catch (StopRequestedException e) {
            ctx.progress("disconnected: stopped");
            throw e;
        } catch (SourceException | RuntimeException e) {
            // e.g. the server closed the session, or the events could not be stored (disk full)
            ctx.progress("disconnected: " + e.getMessage());
            throw e;
        } finally {
            queue.close();
        }
    }

    @Override
    public String toString() {
        return "WebSocketInput[" + settings.url().display() + "]";
    }
}
