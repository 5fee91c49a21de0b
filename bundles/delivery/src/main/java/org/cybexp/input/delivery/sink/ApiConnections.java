package org.cybexp.input.delivery.sink;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The keep-alive connections to the API's host (one host, so one route): at most {@code size} at once, the
 * size changeable at runtime; idle ones reused last-in first-out. A connection idle for more than two seconds
 * is checked before reuse (as HttpClient's pool does), so a server that closed it meanwhile costs no failed
 * post. Kept apart from HttpClient's pool, exec chain and HttpCore's connection on purpose: against a fast API their per-request
 * work was most of a post's CPU (see docs/benchmarks.md), and the API is always one direct route.
 */
final class ApiConnections implements AutoCloseable {

    /** As HttpClient's pool: a connection idle this long is checked before it carries a post. */
    static final Duration CHECK_AFTER_IDLE = Duration.ofSeconds(2);

    private record Idle(ApiConnection connection, long since) {
    }

    private final String host;
    private final int port;
    private final SSLSocketFactory tls;
    private final boolean verifyHost;
    private final int timeoutMillis;
    private final long checkAfterIdleNanos;

    // guarded by this
    private final Deque<Idle> idle = new ArrayDeque<>();
    private int leased;
    private int size;
    private boolean closed;

    /**
     * @param tls for https, else null
     * @param verifyHost whether the certificate must name {@code host} (off only with verify_tls false)
     * @param timeoutMillis to connect, for each read, and to wait for a free connection
     */
    ApiConnections(String host, int port, SSLSocketFactory tls, boolean verifyHost, int size, int timeoutMillis,
            Duration checkAfterIdle) {
        this.checkAfterIdleNanos = checkAfterIdle.toNanos();
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.verifyHost = verifyHost;
        this.size = Math.max(1, size);
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * A connection of this caller's alone, until {@link #release}; waits up to the timeout for one to be free.
     *
     * @throws IOException if none is free in time, the connection fails, or the pool is closed
     */
    ApiConnection lease() throws IOException {
        Idle reuse = take();
        try {
            if (reuse != null) {
                if (usable(reuse)) {
                    return reuse.connection();
                }
                reuse.connection().close(); // closed by the server while idle
            }
            return connect();
        } catch (IOException | RuntimeException e) {
            release(null, false);
            throw e;
        }
    }

    private boolean usable(Idle idle) {
        if (System.nanoTime() - idle.since() < checkAfterIdleNanos) {
            return true;
        }
        return !idle.connection().isStale();
    }

    /** A place in the pool, with the idle connection to reuse, or null to open a new one. */
    private synchronized Idle take() throws IOException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!closed && leased >= size) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no free connection to the API within " + timeoutMillis + " ms");
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for a connection");
            }
        }
        if (closed) {
            throw new IOException("the API client is closed");
        }
        leased++;
        return idle.pollFirst();
    }

    /**
     * Gives a leased connection back: kept for the next post if {@code reusable} and there is room, else closed.
     *
     * @param connection null when the lease produced none
     */
    void release(ApiConnection connection, boolean reusable) {
        boolean keep;
        synchronized (this) {
            leased--;
            keep = connection != null && reusable && !closed && leased + idle.size() < size;
            if (keep) {
                idle.addFirst(new Idle(connection, System.nanoTime()));
            }
            notify(); // one place is free

        }
        if (!keep && connection != null) {
            connection.close();
        }
    }

    /** Sets how many connections may be open at once; idle ones beyond it close now, leased ones when released. */
    void resize(int count) {
        List<Idle> excess = new ArrayList<>();
        synchronized (this) {
            size = Math.max(1, count);
            while (!idle.isEmpty() && leased + idle.size() > size) {
                excess.add(idle.pollLast());
            }
            notifyAll();
        }
        excess.forEach(i -> i.connection().close());
    }

    synchronized int size() {
        return size;
    }

    private ApiConnection connect() throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), timeoutMillis);
            if (tls != null) {
                SSLSocket secure = (SSLSocket) tls.createSocket(socket, host, port, true);
                socket = secure;
                if (verifyHost) {
                    SSLParameters parameters = secure.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the JDK checks the name or IP
                    secure.setSSLParameters(parameters);
                }
                secure.startHandshake();
            }
            return new ApiConnection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Closes the idle connections; leased ones close when released, and no new lease is given. */
    @Override
    public void close() {
        List<Idle> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(idle);
            idle.clear();
            notifyAll();
        }
        all.forEach(i -> i.connection().close());
    }
}
