package org.cybexp.input.source.websocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import jakarta.websocket.CloseReason;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.SourceException;

/**
 * Receives one websocket session on the fetch thread until a stop (returns) or the end of the session (throws).
 * Each turn waits at most a {@link WebSocketInput#TICK tick} for frames, so a graceful stop, a due batch and a
 * due ping are noticed promptly without ever sleeping; then it hands what arrived to the container and
 * checkpoints, so every frame is in the durable outbox within a tick of its arrival (bar a batch still open).
 * Frames already received when the session ends are stored before the error is thrown.
 */
final class SessionLoop {

    /** Items handled per turn at most, so that stops and timers are checked under a flood too. */
    static final int DRAIN_LIMIT = 500;
    /** How long a message may be arriving before the status calls the session stuck. */
    static final Duration STUCK_AFTER = Duration.ofSeconds(5);

    private final FetchContext ctx;
    private final WebSocketSettings settings;
    private final WebSocketConnection connection;
    private final FrameQueue queue;
    private final FrameEndpoint endpoint;
    private final Clock clock;
    private final FrameBatch batch;
    private final Liveness liveness;
    private final Duration messageDeadline;
    /** The status while a message does not end, or null. */
    private String stuck;
    /** The message being received, for the status, or null. */
    private OpenMessage receiving;
    private long frames;
    private long malformed;
    private long emittedAtCheckpoint;
    private String reported;

    SessionLoop(FetchContext ctx, WebSocketSettings settings, WebSocketConnection connection, FrameQueue queue,
            FrameEndpoint endpoint, Duration messageDeadline) {
        this.messageDeadline = messageDeadline;
        this.ctx = ctx;
        this.settings = settings;
        this.connection = connection;
        this.queue = queue;
        this.endpoint = endpoint;
        this.clock = ctx.clock();
        this.batch = new FrameBatch(ctx, settings);
        this.liveness = new Liveness(settings.pingInterval(), settings.pingTimeout());
    }

    /**
     * @throws SourceException when the session ends without a stop: closed by the server, broken, or dead
     * @throws InterruptedException when the container interrupts the thread (immediate stop)
     */
    void run() throws SourceException, InterruptedException {
        reportConnected();
        while (!ctx.stopRequested()) {
            Received end = receive(queue.poll(waitTime(clock.instant())));
            Instant now = clock.instant();
            batch.flushIfDue(now);
            checkOpenMessage(now);
            commit();
            if (end != null) {
                ended(end);
                return;
            }
            checkLiveness(now);
        }
        if (!ctx.stopNow()) {
            stopGracefully();
        }
        // an immediate stop: the container closed the session and drops what was not stored yet
    }

    /** Handles the item and whatever else is queued, up to the limit; returns the end of the session if seen. */
    private Received receive(Received first) {
        Received item = first;
        for (int handled = 0; item != null; item = ++handled < DRAIN_LIMIT ? queue.pollNow() : null) {
            if (item instanceof Received.Text text) {
                frames++;
                accept(text.text());
            } else if (item instanceof Received.Rejected rejected) {
                frames++;
                skip(rejected.reason(), rejected.sample());
            } else {
                return item;
            }
        }
        return null;
    }

    private void accept(String text) {
        JsonFrame frame = JsonFrame.parse(text);
        if (frame.problem().isPresent()) {
            skip(frame.problem().get(), sample(text));
        } else {
            frame.objects().forEach(batch::add);
        }
    }

    private void skip(String reason, byte[] sample) {
        malformed++;
        ctx.malformed(reason, sample);
    }

    private Duration waitTime(Instant now) {
        return batch.timeLeft(now).filter(left -> left.compareTo(WebSocketInput.TICK) < 0)
                .orElse(WebSocketInput.TICK);
    }

    /** Stores what was emitted since the last checkpoint, then shows the new counts. */
    private void commit() {
        if (batch.emitted() != emittedAtCheckpoint) {
            ctx.checkpoint();
            emittedAtCheckpoint = batch.emitted();
        }
        reportConnected();
    }

    /**
     * A message that does not end: shown as stuck once it is older than a few ticks' worth (a large message on
     * a slow link may take a moment), and the session closed at max_message_seconds, so that the container
     * reconnects instead of waiting for ever.
     */
    private void checkOpenMessage(Instant now) throws SourceException {
        OpenMessage open = endpoint.openMessage();
        receiving = open;
        Duration age = open == null ? Duration.ZERO : Duration.between(open.started(), now);
        if (open == null || age.compareTo(STUCK_AFTER) < 0) {
            stuck = null;
            return;
        }
        String what = open.bytes() + " bytes in " + open.fragments() + " fragments";
        if (age.compareTo(messageDeadline) >= 0) {
            connection.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "message did not end"));
            throw end("a message did not end within max_message_seconds (" + messageDeadline.toSeconds() + " s; "
                    + what + "): the session was closed");
        }
        stuck = "stuck: a message has been arriving for " + age.toSeconds() + " s without its end (" + what
                + ") from " + settings.url().display() + "; the session is closed at " + messageDeadline.toSeconds()
                + " s";
    }

    private void checkLiveness(Instant now) throws SourceException {
        switch (liveness.check(now, endpoint.lastHeard(), endpoint.heardCount())) {
            case PING -> {
                try {
                    connection.ping();
                } catch (IOException | RuntimeException e) {
                    throw end("the connection failed while sending a ping ("
                            + settings.url().mask(String.valueOf(e.getMessage())) + ")");
                }
            }
            case DEAD -> {
                connection.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "no pong"));
                throw end("the server did not answer a ping within " + liveness.timeout().toSeconds()
                        + " s: connection presumed dead");
            }
            default -> {
                // alive, or pinged and still waiting for the pong
            }
        }
    }

    /** The session ended by itself (or because the container closed it on an immediate stop). */
    private void ended(Received end) throws SourceException {
        if (ctx.stopNow()) {
            return;
        }
        if (ctx.stopRequested()) {
            stopGracefully();
            return;
        }
        if (end instanceof Received.Closed closed) {
            throw end(describe(closed));
        }
        Throwable error = ((Received.Failed) end).error();
        throw end("the connection failed (" + settings.url().mask(rootMessage(error)) + ")");
    }

    /** Stores what arrived; the error returned fails the call, so the container reconnects after its backoff. */
    private SourceException end(String why) {
        batch.flush();
        commit();
        return new SourceException(why + " after " + frames + " frames");
    }

    private static String describe(Received.Closed closed) {
        String reason = closed.reason() == null || closed.reason().isBlank() ? "" : " " + closed.reason();
        if (closed.code() == CloseReason.CloseCodes.CLOSED_ABNORMALLY.getCode()) {
            return "the connection broke (" + closed.code() + reason + ")";
        }
        return "the server closed the connection (" + closed.code() + reason + ")";
    }

    /** Graceful stop: close the session, keep what had already arrived, store it, return. */
    private void stopGracefully() {
        connection.close();
        for (Received item = queue.pollNow(); item != null; item = queue.pollNow()) {
            if (receive(item) != null) {
                break; // the close: nothing more comes
            }
        }
        batch.flush();
        commit();
        ctx.progress("disconnected: stopped after " + frames + " frames");
    }

    private void reportConnected() {
        String status = stuck != null ? stuck : "connected to " + settings.url().display() + ", " + frames + " frames"
                + (malformed == 0 ? "" : ", " + malformed + " malformed")
                + (batch.pending() == 0 ? "" : ", " + batch.pending() + " waiting in the batch")
                + (receiving == null ? "" : ", receiving a message (" + receiving.bytes() + " bytes in "
                        + receiving.fragments() + " fragments)");
        if (!status.equals(reported)) {
            ctx.progress(status);
            reported = status;
        }
    }

    private static byte[] sample(String text) {
        String head = text.length() > FrameEndpoint.SAMPLE_BYTES ? text.substring(0, FrameEndpoint.SAMPLE_BYTES) : text;
        byte[] bytes = head.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(bytes, Math.min(bytes.length, FrameEndpoint.SAMPLE_BYTES));
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
