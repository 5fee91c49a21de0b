package ${package};

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLServerSocket;

import org.cybexp.input.api.ClientAuth;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.Network;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;

/**
 * One configured input of {@link ${classPrefix}ListenPlugin}: a TCP (or TLS) line listener. The container calls
 * {@link #fetch} once; it binds the port, serves connections on threads of its own and returns once a stop is
 * requested, with the port released and every thread ended.
 *
 * <p>The port is bound in {@code fetch}, never in {@code open}: when the input's configuration is edited, the
 * container ends this call (and closes this input) before it calls the new input's {@code fetch}, so the new
 * one binds the same port. On a graceful stop the listener closes its port, stops reading, answers the lines
 * it read (once they are stored) and closes the connections; a sender resends what it got no answer for.
 */
final class ${classPrefix}ListenInput implements SourceInput {

    /** How often the status line is refreshed, and a failed accept loop noticed. */
    private static final Duration TICK = Duration.ofSeconds(1);
    /** How long a graceful stop waits for the connections to answer what they read. */
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final ${classPrefix}ListenPlugin.Config config;

    ${classPrefix}ListenInput(${classPrefix}ListenPlugin.Config config) {
        this.config = config;
    }

    @Override
    public Mode mode() {
        return Mode.STREAMING;
    }

    @Override
    public void fetch(FetchContext ctx) throws Exception {
        Connections connections = new Connections(config.max__connections());
        ExecutorService threads = Executors.newCachedThreadPool(named(ctx.config().name()));
        ctx.closeOnStop(connections); // an immediate stop closes every socket, so blocked reads return
        try (ServerSocket server = bind(ctx.network())) {
            ctx.closeOnStop(server);
            String where = describe(server, ctx.network());
            Future<?> acceptor = threads.submit(() -> {
                accept(server, connections, threads, ctx);
                return null;
            });
            ctx.progress("listening on " + where);
            while (!ctx.awaitStop(TICK) && !acceptor.isDone()) {
                ctx.progress("listening on " + where + ", " + connections.status());
            }
            server.close(); // no new connections; the open ones answer what they read, then end
            connections.stopReading();
            awaitEnd(acceptor, ctx);
        } finally {
            drain(threads, connections);
        }
        ctx.progress("stopped, " + connections.status());
    }

    /** Waits for the accept loop; rethrows why it failed when it ended before a stop was requested. */
    private static void awaitEnd(Future<?> acceptor, FetchContext ctx) throws Exception {
        try {
            acceptor.get();
        } catch (ExecutionException e) {
            if (!ctx.stopRequested()) {
                throw new SourceException("accepting connections failed: " + e.getCause().getMessage(),
                        e.getCause());
            }
        }
    }

    /** Binds the listening socket: TLS with the input's server certificate when it has one. */
    private ServerSocket bind(Network network) throws IOException, SourceException {
        ServerSocket server;
        if (network.hasServerTls()) {
            SSLServerSocket tls = (SSLServerSocket) network.serverTls().getServerSocketFactory()
                    .createServerSocket();
            if (network.clientAuth() == ClientAuth.NEED) { // each of the two calls resets the other
                tls.setNeedClientAuth(true);
            } else if (network.clientAuth() == ClientAuth.WANT) {
                tls.setWantClientAuth(true);
            }
            server = tls;
        } else {
            server = new ServerSocket();
        }
        try {
            server.setReuseAddress(true); // a restart binds again while old connections are in TIME_WAIT
            server.bind(new InetSocketAddress(config.host(), config.port()), config.max__connections());
            return server;
        } catch (IOException e) {
            server.close();
            throw new SourceException("cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Accepts connections until the server socket is closed; each one is served on a thread of its own. */
    private void accept(ServerSocket server, Connections connections, ExecutorService threads, FetchContext ctx)
            throws IOException {
        while (true) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return; // stopping
                }
                throw e;
            }
            LineConnection connection = new LineConnection(socket, ctx, config.max__line__bytes(),
                    Duration.ofSeconds(config.idle__timeout()), connections.stored);
            if (connections.admit(connection)) {
                threads.execute(() -> connections.serve(connection));
            } else {
                connection.close(); // over max_connections: the sender tries again later
            }
        }
    }

    /**
     * Waits for the connections to answer what they read and end; closes those still open after {@link #DRAIN},
     * or at once on an immediate stop (the fetching thread interrupted), and waits for their threads.
     */
    private static void drain(ExecutorService threads, Connections connections) {
        threads.shutdown();
        boolean interrupted = false;
        for (int round = 0; round < 2; round++) {
            try {
                if (threads.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            connections.close();
            threads.shutdownNow();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private String describe(ServerSocket server, Network network) {
        return config.host() + ":" + server.getLocalPort() + (network.hasServerTls() ? " (TLS)" : "");
    }

    private static ThreadFactory named(String input) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "${listenPluginName}-" + input + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        return "${classPrefix}ListenInput[" + config.host() + ":" + config.port() + "]";
    }

    /** The open connections of one call, at most {@code max_connections}; closing it closes all of them. */
    private static final class Connections implements Closeable {

        private final Semaphore slots;
        private final Set<LineConnection> open = ConcurrentHashMap.newKeySet();
        final AtomicLong stored = new AtomicLong();
        private boolean stopping; // guarded by this

        Connections(int max) {
            this.slots = new Semaphore(max);
        }

        synchronized boolean admit(LineConnection connection) {
            if (stopping || !slots.tryAcquire()) {
                return false;
            }
            open.add(connection);
            return true;
        }

        void serve(LineConnection connection) {
            try {
                connection.run();
            } finally {
                open.remove(connection);
                slots.release();
            }
        }

        /** Each connection reads no more; it answers what it read, then ends. */
        synchronized void stopReading() {
            stopping = true;
            open.forEach(LineConnection::stopReading);
        }

        String status() {
            return open.size() + " connections, " + stored.get() + " lines stored";
        }

        @Override
        public void close() {
            stopReading();
            open.forEach(LineConnection::close);
        }
    }
}
