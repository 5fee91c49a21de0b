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
 */
final class ApiConnection implements AutoCloseable {

    private static final int BUFFER = 8192;

    private final Socket socket;
    private final AnswerInput in;
    private final OutputStream out;

    ApiConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new AnswerInput(socket.getInputStream(), BUFFER);
        this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
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
