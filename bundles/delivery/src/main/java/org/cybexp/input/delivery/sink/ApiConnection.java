package org.cybexp.input.delivery.sink;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * One connection to the API (a plain socket or an {@code SSLSocket}) with its buffered streams: a request goes
 * out in one flush, its answer is read with {@link HttpAnswer}. Used by one thread at a time (leased from
 * {@link ApiConnections}).
 *
 * <p>Its socket has no read timeout: the JDK serves a timed read with a non-blocking read, a poll and a second
 * read, three system calls where a blocking read is one, on every post. The timeout is kept by a watchdog
 * instead ({@link #arm}, {@link #expireIfOverdue}), as OkHttp's does: it closes a connection whose exchange runs
 * late.
 */
final class ApiConnection implements AutoCloseable {

    private static final int BUFFER = 8192;

    private final Socket socket;
    private final AnswerInput in;
    private final OutputStream out;
    /** When the running exchange must have ended ({@link System#nanoTime}), or 0 while none runs. */
    private volatile long deadline;
    private volatile boolean expired;

    ApiConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new AnswerInput(socket.getInputStream(), BUFFER);
        this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
    }

    /** An exchange begins: it must end by {@code deadlineNanos} ({@link System#nanoTime}), or the watchdog ends it. */
    void arm(long deadlineNanos) {
        expired = false;
        deadline = deadlineNanos == 0 ? 1 : deadlineNanos;
    }

    /** The exchange ended in time (or failed on its own). */
    void disarm() {
        deadline = 0;
    }

    /**
     * The watchdog's check: closes the connection if its exchange is overdue, so that the blocked read or write
     * fails at once. @return whether the connection is done with (closed now or before)
     */
    boolean expireIfOverdue(long nowNanos) {
        long due = deadline;
        if (due != 0 && nowNanos - due > 0) {
            expired = true;
            close();
        }
        return socket.isClosed();
    }

    /** Whether the watchdog closed this connection because its exchange ran past the timeout. */
    boolean expired() {
        return expired;
    }

    /** Where the request is written; the caller's last write flushes it. */
    OutputStream out() {
        return out;
    }

    InputStream in() {
        return in;
    }

    /**
     * Whether an idle connection can no longer carry a request: the server closed it, or sent something
     * unasked. Waits a millisecond at most.
     */
    boolean isStale() {
        try {
            if (in.available() > 0) {
                return true; // bytes nobody asked for: the next answer could not be told from them
            }
            int timeout = socket.getSoTimeout();
            socket.setSoTimeout(1);
            try {
                in.read();
                return true; // closed (-1), or an unasked byte: stale either way
            } catch (SocketTimeoutException e) {
                return false; // nothing to read: open and quiet
            } finally {
                socket.setSoTimeout(timeout);
            }
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing more to do with it
        }
    }
}
