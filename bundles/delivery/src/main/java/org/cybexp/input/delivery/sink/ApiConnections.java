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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keep-alive connections to the API's host (one host, so one route): at most {@code size} at once, the
 * size changeable at runtime; idle ones reused last-in first-out. A connection idle for more than two seconds
 * is checked before reuse (as HttpClient's pool does), so a server that closed it meanwhile costs no failed
 * post. Kept apart from HttpClient's pool, exec chain and HttpCore's connection on purpose: against a fast API their per-request
 * work was most of a post's CPU (see docs/benchmarks.md), and the API is always one direct route.
 */
final class ApiConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiConnections.class);

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
    /** Every connection not yet closed, for the watchdog. */
    private final Set<ApiConnection> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog;

    // guarded by this
    private final Deque<Idle> idle = new ArrayDeque<>();
    private int leased;
    private int size;
    private boolean closed;

    /**
     * @param tls for https, else null
     * @param verifyHost whether the certificate must name {@code host} (off only with verify_tls false)
     * @param timeoutMillis to connect, for an exchange to move (a byte read or written), and to wait for a free
     *     connection
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
        this.watchdog = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "cybexp-api-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(10, Math.min(1000, timeoutMillis / 4)); // a late exchange ends within 1.25 timeouts
        watchdog.scheduleWithFixedDelay(this::expireOverdue, period, period, TimeUnit.MILLISECONDS);
    }

    /** The watchdog's round: ends late exchanges, forgets closed connections, stops once closed and empty. */
    private void expireOverdue() {
        try {
            long now = System.nanoTime();
            open.removeIf(connection -> connection.expireIfOverdue(now));
            boolean done;
            synchronized (this) {
                done = closed && leased == 0 && open.isEmpty(); // a lease may be connecting still
            }
            if (done) {
                watchdog.shutdown(); // the last post in flight after close has ended
            }
        } catch (Throwable e) { // an Error too: it would cancel every later round
            LOG.warn("the API timeout watchdog failed a round, next round goes on: {}", e.toString());
        }
    }

    /**
     * A connection of this caller's alone, until {@link #release}; waits up to the timeout for one to be free.
     *
     * @throws IOException if none is free in time, the connection fails, or the pool is closed
     */
    ApiConnection lease() throws IOException {
        Idle reuse = take();
        try {
            ApiConnection connection = null;
            if (reuse != null) {
                if (usable(reuse)) {
                    connection = reuse.connection();
                } else {
                    reuse.connection().close(); // closed by the server while idle
                }
            }
            if (connection == null) {
                connection = connect();
            }
            connection.arm();
            return connection;
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
        boolean inTime = connection != null && connection.disarm();
        boolean keep;
        synchronized (this) {
            leased--;
            keep = inTime && reusable && !closed && leased + idle.size() < size;
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
        Socket plain = new Socket();
        Socket socket = plain;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis); // for the TLS handshake
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
            socket.setSoTimeout(0); // from now on the watchdog keeps the timeout (see ApiConnection)
            ApiConnection connection = new ApiConnection(socket, plain, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
            open.add(connection);
            return connection;
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
