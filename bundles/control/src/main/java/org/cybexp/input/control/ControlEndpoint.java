package org.cybexp.input.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback socket the CLI talks to: one JSON line in, one JSON line out, per connection. Connections are
 * served on a small bounded pool with a read timeout and a size cap, so a silent, slow or flooding client
 * never blocks the others or the accept loop.
 */
final class ControlEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlEndpoint.class);
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    static final int READ_TIMEOUT_MS = 5_000;
    private static final int WORKERS = 4;
    private static final int QUEUED = 16;

    private final ServerSocket server;
    private final BiFunction<String, Integer, ControlProtocol.Reply> handler;
    private final ThreadPoolExecutor workers;
    private final Thread acceptor;
    private final int readTimeoutMs;

    /**
     * Binds 127.0.0.1 and starts accepting.
     *
     * @param port the port, 0 for any free one
     * @param handler the request line and the client's port to the answer
     */
    ControlEndpoint(int port, BiFunction<String, Integer, ControlProtocol.Reply> handler, int readTimeoutMs)
            throws IOException {
        this.handler = handler;
        this.readTimeoutMs = readTimeoutMs;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        AtomicInteger ids = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED), r -> daemonThread(r, "cybexp-control-" + ids.incrementAndGet()));
        workers.allowCoreThreadTimeOut(true);
        this.acceptor = daemonThread(this::acceptLoop, "cybexp-control-accept");
        acceptor.start();
    }

    String host() {
        return server.getInetAddress().getHostAddress();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("Control endpoint: accept failed: {}", e.toString());
                }
                continue;
            }
            try {
                workers.execute(() -> serve(client));
            } catch (RejectedExecutionException busy) {
                // Too many clients at once: drop this one rather than queue without bound.
                closeQuietly(client);
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(readTimeoutMs);
            String request = readLine(client.getInputStream());
            ControlProtocol.Reply reply = request == null
                    ? ControlProtocol.Reply.of("{\"ok\":false,\"error\":\"request too large or not one line\"}")
                    : handler.apply(request, client.getPort());
            OutputStream out = client.getOutputStream();
            out.write((reply.json() + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            client.shutdownOutput();
            if (request == null) {
                drain(client); // closing with unread bytes would reset the connection before the answer is read
            }
            reply.afterReply().run();
        } catch (SocketTimeoutException silent) {
            LOG.debug("Control endpoint: client on port {} sent nothing in time", client.getPort());
        } catch (IOException e) {
            LOG.debug("Control endpoint: client on port {}: {}", client.getPort(), e.toString());
        }
    }

    /** @return the first line without its end, or null if it exceeds the cap or the stream ends first */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (true) {
            int n = in.read(buffer);
            if (n < 0) {
                return line.size() > 0 ? line.toString(StandardCharsets.UTF_8) : null;
            }
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    line.write(buffer, 0, i);
                    return line.size() > MAX_REQUEST_BYTES ? null : line.toString(StandardCharsets.UTF_8);
                }
            }
            line.write(buffer, 0, n);
            if (line.size() > MAX_REQUEST_BYTES) {
                return null;
            }
        }
    }

    private static void drain(Socket client) throws IOException {
        client.setSoTimeout(500);
        InputStream in = client.getInputStream();
        byte[] sink = new byte[8192];
        long left = 4L * MAX_REQUEST_BYTES;
        int n;
        while (left > 0 && (n = in.read(sink)) > 0) {
            left -= n;
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("Control endpoint: close: {}", e.toString());
        }
        workers.shutdownNow();
        try {
            acceptor.join(5_000);
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemonThread(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the client is gone either way
        }
    }
}
