package org.cybexp.input.source.websocket;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

/**
 * One open websocket session, as the input's fetch thread uses it: send pings, close. Registered with
 * {@link org.cybexp.input.api.FetchContext#closeOnStop}, so an immediate stop closes it from the container's
 * thread; closing is idempotent and never throws.
 */
final class WebSocketConnection implements Closeable {

    private static final CloseReason STOPPED = new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "input stopped");

    private final Session session;
    private long pings;

    WebSocketConnection(Session session) {
        this.session = session;
    }

    /** Sends a ping; the peer must answer with a pong (RFC 6455 5.5.2). */
    void ping() throws IOException {
        pings++;
        session.getBasicRemote().sendPing(ByteBuffer.wrap(("cybexp-" + pings).getBytes(StandardCharsets.US_ASCII)));
    }

    /** Closes the session with the given reason, e.g. because the peer stopped answering pings. */
    void close(CloseReason reason) {
        closeQuietly(session, reason);
    }

    @Override
    public void close() {
        close(STOPPED);
    }

    static void closeQuietly(Session session, CloseReason reason) {
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } catch (IOException | RuntimeException e) {
            // the connection is gone already; nothing else to release
        }
    }
}
