package org.cybexp.input.delivery.sink;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection to the API (a plain socket or an {@code SSLSocket}) with its buffered streams: a request goes
 * out in one flush, its answer is read with {@link HttpAnswer}. Used by one thread at a time (leased from
 * {@link ApiConnections}).
 *
 * <p>Its socket has no read timeout: the JDK serves a timed read that finds nothing yet with a read, a poll and a
 * second read, three system calls where a blocking read is one, on nearly every post. The timeout is an idle
 * timeout kept by the pool's watchdog instead: an exchange is late when no byte has been read or written for
 * the timeout ({@link #arm}, {@link #expireIfOverdue}). So an upload of any size on a slow link runs as long as
 * it moves, and a server that stops reading the request is caught too, which a read timeout never caught.
 */
final class ApiConnection implements AutoCloseable {

    private static final int BUFFER = 8192;
    /** A write of more than this is cut, so that each part pushes the deadline (a TLS record is 16 KiB too). */
    private static final int WRITE_CHUNK = 16 * 1024;
    /** The deadline while no exchange runs. */
    private static final long IDLE = Long.MIN_VALUE;
    /** The deadline once the watchdog ended the exchange. */
    private static final long EXPIRED = Long.MIN_VALUE + 1;

    private final Socket socket;
    private final Socket plain;
    private final long timeoutNanos;
    private final AnswerInput in;
    private final OutputStream out;
    /** When the running exchange is late ({@link System#nanoTime}), or {@link #IDLE} or {@link #EXPIRED}. */
    private final AtomicLong deadline = new AtomicLong(IDLE);

    /**
     * @param socket what is read and written: the plain socket or the TLS one over it
     * @param plain the TCP socket underneath, which the watchdog closes: closing it never blocks, where closing
     *     an {@code SSLSocket} may wait for its locks or a close_notify
     */
    ApiConnection(Socket socket, Socket plain, long timeoutNanos) throws IOException {
        this.socket = socket;
        this.plain = plain;
        this.timeoutNanos = timeoutNanos;
        this.in = new AnswerInput(new WatchedInput(socket.getInputStream()), BUFFER);
        this.out = new BufferedOutputStream(new WatchedOutput(socket.getOutputStream()), BUFFER);
    }

    /** An exchange begins: it is late once nothing moved for the timeout. */
    void arm() {
        deadline.set(next(System.nanoTime()));
    }

    /** The exchange ended; @return whether it ended in time, so the connection may carry another. */
    boolean disarm() {
        return deadline.getAndUpdate(due -> due == EXPIRED ? EXPIRED : IDLE) != EXPIRED;
    }

    /**
     * The watchdog's check: closes the connection if its exchange is late, so that the blocked read or write
     * fails at once. @return whether the connection is done with (closed now or before)
     */
    boolean expireIfOverdue(long nowNanos) {
        long due = deadline.get();
        // the CAS loses to a release or a progress meanwhile: then the exchange is not late
        if (due != IDLE && due != EXPIRED && nowNanos - due > 0 && deadline.compareAndSet(due, EXPIRED)) {
            closeQuietly(plain);
        }
        return plain.isClosed() || socket.isClosed();
    }

    /** Whether the watchdog ended this connection's exchange because nothing moved for the timeout. */
    boolean expired() {
        return deadline.get() == EXPIRED;
    }

    /** Bytes moved: the exchange has another timeout from now. */
    private void progress() {
        long due = deadline.get();
        if (due != IDLE && due != EXPIRED) {
            deadline.compareAndSet(due, next(System.nanoTime())); // lost only to the watchdog, which closed it
        }
    }

    private long next(long now) {
        long due = now + timeoutNanos;
        return due == IDLE || due == EXPIRED ? EXPIRED + 1 : due;
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
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing more to do with it
        }
    }

    /** The socket's input, pushing the deadline on each read that brings bytes. */
    private final class WatchedInput extends InputStream {

        private final InputStream in;

        WatchedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                progress();
            }
            return b;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            int n = in.read(into, offset, length);
            if (n > 0) {
                progress();
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }
    }

    /** The socket's output, pushing the deadline after each part written. */
    private final class WatchedOutput extends OutputStream {

        private final OutputStream out;

        WatchedOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            progress();
        }

        @Override
        public void write(byte[] from, int offset, int length) throws IOException {
            for (int done = 0; done < length; ) {
                int part = Math.min(WRITE_CHUNK, length - done);
                out.write(from, offset + done, part);
                progress();
                done += part;
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
