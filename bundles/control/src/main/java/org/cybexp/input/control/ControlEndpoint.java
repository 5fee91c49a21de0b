package org.cybexp.input.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback socket the CLI talks to: one JSON line in, one JSON line out, per connection.
 *
 * <p>One selector thread reads every connection without blocking, so idle or slow clients cost a buffer each,
 * not a thread. A request must arrive whole within {@code requestDeadlineMs} of the connection (a client that
 * sends a byte a second is cut off at the deadline), and within {@link #MAX_REQUEST_BYTES}. Only a complete
 * line is handed to a worker, since a command (a graceful stop) may take a while. When {@link #MAX_OPEN}
 * connections are open the oldest is closed to make room: a new client always gets in.
 */
final class ControlEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlEndpoint.class);
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    static final int READ_TIMEOUT_MS = 5_000;
    static final int MAX_OPEN = 256;
    private static final int WORKERS = 16;
    private static final String TOO_LARGE = "{\"ok\":false,\"error\":\"request too large or not one line\"}";

    /** What a connection has sent so far, and when it must have sent all of it. */
    private static final class Pending {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        final long deadline;

        Pending(long deadline) {
            this.deadline = deadline;
        }
    }

    private final ServerSocketChannel server;
    private final Selector selector;
    private final BiFunction<String, Integer, ControlProtocol.Reply> handler;
    private final ThreadPoolExecutor workers;
    private final Thread loop;
    private final long requestDeadlineNanos;
    /** Open connections in the order they came, oldest first. Selector thread only. */
    private final Map<SocketChannel, Pending> open = new LinkedHashMap<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);

    /**
     * Binds 127.0.0.1 and starts accepting.
     *
     * @param port the port, 0 for any free one
     * @param handler the request line and the client's port to the answer
     * @param requestDeadlineMs how long a client may take to send its whole request line
     */
    ControlEndpoint(int port, BiFunction<String, Integer, ControlProtocol.Reply> handler, int requestDeadlineMs)
            throws IOException {
        this.handler = handler;
        this.requestDeadlineNanos = TimeUnit.MILLISECONDS.toNanos(requestDeadlineMs);
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        try {
            server.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            server.close();
            selector.close();
            throw e;
        }
        AtomicInteger ids = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, WORKERS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemonThread(r, "cybexp-control-" + ids.incrementAndGet()));
        this.loop = daemonThread(this::selectLoop, "cybexp-control-accept");
        loop.start();
    }

    String host() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getAddress().getHostAddress();
    }

    int port() {
        return server.socket().getLocalPort();
    }

    private void selectLoop() {
        try {
            while (selector.isOpen()) {
                selector.select(nextDeadlineMillis());
                List<SocketChannel> complete = new ArrayList<>();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isReadable()) {
                        read(key, complete);
                    }
                }
                expire();
                handOver(complete);
            }
        } catch (ClosedSelectorException | IOException e) {
            if (selector.isOpen()) {
                LOG.error("Control endpoint stopped: {}", e.toString());
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel client;
        while ((client = server.accept()) != null) {
            if (open.size() >= MAX_OPEN) {
                SocketChannel oldest = open.keySet().iterator().next(); // it makes room for the newest
                open.remove(oldest);
                closeQuietly(oldest);
            }
            client.configureBlocking(false);
            client.register(selector, SelectionKey.OP_READ);
            open.put(client, new Pending(System.nanoTime() + requestDeadlineNanos));
        }
    }

    private void read(SelectionKey key, List<SocketChannel> complete) {
        SocketChannel client = (SocketChannel) key.channel();
        Pending pending = open.get(client);
        if (pending == null) {
            closeQuietly(client);
            return;
        }
        try {
            buffer.clear();
            int n = client.read(buffer);
            if (n < 0) {
                if (pending != null && pending.line.size() > 0) {
                    complete.add(client); // a last line without its newline
                    key.cancel();
                } else {
                    closeQuietly(client);
                }
                return;
            }
            byte[] bytes = buffer.array();
            for (int i = 0; i < n; i++) {
                if (bytes[i] == '\n') {
                    pending.line.write(bytes, 0, i);
                    key.cancel();
                    complete.add(client);
                    return;
                }
            }
            pending.line.write(bytes, 0, n);
            if (pending.line.size() > MAX_REQUEST_BYTES) {
                key.cancel();
                complete.add(client);
            }
        } catch (IOException e) {
            LOG.debug("Control endpoint: read: {}", e.toString());
            closeQuietly(client);
        }
    }

    /** Closes the connections whose whole-request deadline passed. */
    private void expire() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<SocketChannel, Pending>> it = open.entrySet().iterator(); it.hasNext();) {
            Map.Entry<SocketChannel, Pending> entry = it.next();
            SocketChannel client = entry.getKey();
            if (!client.isOpen()) {
                it.remove();
            } else if (now - entry.getValue().deadline >= 0 && client.keyFor(selector) != null
                    && client.keyFor(selector).isValid()) {
                LOG.debug("Control endpoint: a client sent no whole request in time");
                it.remove();
                closeQuietly(client);
            }
        }
    }

    private long nextDeadlineMillis() {
        if (open.isEmpty()) {
            return 0; // no deadline: wait for a connection
        }
        long next = open.values().iterator().next().deadline - System.nanoTime();
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next) + 1);
    }

    /** Complete requests go to a worker, on a blocking channel (their keys are cancelled: flush them first). */
    private void handOver(List<SocketChannel> complete) throws IOException {
        if (complete.isEmpty()) {
            return;
        }
        selector.selectNow(); // deregisters the cancelled keys, so the channels may block again
        for (SocketChannel client : complete) {
            Pending pending = open.remove(client);
            if (!client.isOpen() || pending == null) {
                continue;
            }
            int size = pending.line.size();
            String request = size > MAX_REQUEST_BYTES ? null : pending.line.toString(StandardCharsets.UTF_8);
            try {
                client.configureBlocking(true);
                workers.execute(() -> serve(client, request));
            } catch (RejectedExecutionException busy) {
                closeQuietly(client); // every worker is busy with a long command: the client may try again
            }
        }
    }

    private void serve(SocketChannel client, String request) {
        try (client) {
            int port = ((InetSocketAddress) client.getRemoteAddress()).getPort();
            ControlProtocol.Reply reply = request == null ? ControlProtocol.Reply.of(TOO_LARGE)
                    : handler.apply(request, port);
            ByteBuffer out = ByteBuffer.wrap((reply.json() + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                client.write(out);
            }
            client.shutdownOutput();
            if (request == null) {
                drain(client); // closing with unread bytes would reset the connection before the answer is read
            }
            reply.afterReply().run();
        } catch (IOException e) {
            LOG.debug("Control endpoint: {}", e.toString());
        }
    }

    private static void drain(SocketChannel client) throws IOException {
        client.socket().setSoTimeout(500);
        byte[] sink = new byte[8192];
        long left = 4L * MAX_REQUEST_BYTES;
        int n;
        var in = client.socket().getInputStream();
        try {
            while (left > 0 && (n = in.read(sink)) > 0) {
                left -= n;
            }
        } catch (java.net.SocketTimeoutException enough) {
            // the client keeps sending: close anyway
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
            server.close();
        } catch (IOException e) {
            LOG.debug("Control endpoint: close: {}", e.toString());
        }
        workers.shutdownNow();
        try {
            loop.join(5_000);
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        open.keySet().forEach(ControlEndpoint::closeQuietly);
    }

    private static Thread daemonThread(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the client is gone either way
        }
    }
}
