package org.cybexp.input.source.websocket;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import javax.net.ssl.SSLException;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Session;

import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.HttpStatusException;
import org.cybexp.input.api.Network;
import org.cybexp.input.api.SourceException;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.RetryAfterException;
import org.glassfish.tyrus.client.SslEngineConfigurator;
import org.glassfish.tyrus.container.jdk.client.JdkClientContainer;
import org.glassfish.tyrus.core.HandshakeException;

/**
 * Opens websocket sessions with the Tyrus client on its JDK container (plain NIO, no Grizzly). The connection
 * is made asynchronously so that a stop requested while connecting (a dead host, a slow handshake) ends the
 * wait within a {@link WebSocketInput#TICK tick} rather than after {@code connect_timeout}.
 */
final class WebSocketConnector {

    /** Tyrus reads one frame into a buffer this large at least; larger frames close the connection (1011). */
    static final int MIN_INCOMING_BUFFER = 4 * 1024 * 1024 + 11;
    /** Room for frames over max_frame_bytes, so they can be counted as malformed instead of breaking the session. */
    static final int OVERSIZE_ROOM = 1024 * 1024;

    private final WebSocketSettings settings;

    WebSocketConnector(WebSocketSettings settings) {
        this.settings = settings;
    }

    /**
     * Connects and completes the opening handshake.
     *
     * @return the open connection, or empty if a stop was requested before it was established
     * @throws SourceException if the connection or handshake fails (an {@link HttpStatusException} when the server
     *         answered the upgrade with another status, carrying its Retry-After on 503)
     */
    Optional<WebSocketConnection> connect(Endpoint endpoint, FetchContext ctx)
            throws SourceException, InterruptedException {
        Network network = ctx.network();
        ClientManager client = withBundleLoader(() -> ClientManager.createClient(JdkClientContainer.class.getName()));
        client.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT,
                (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
        client.getProperties().put(ClientProperties.INCOMING_BUFFER_SIZE,
                Math.max(MIN_INCOMING_BUFFER, settings.maxFrameBytes() + OVERSIZE_ROOM));
        // Tyrus tunnels ws and wss through it with CONNECT; if the proxy cannot be used it then tries the JVM's
        // proxies and a direct connection, which a network that requires the proxy refuses anyway.
        network.proxy().ifPresent(proxy -> client.getProperties().put(ClientProperties.PROXY_URI, proxyUri(proxy)));
        if (settings.url().secure()) {
            // the container's context: ca_file or the JVM's CAs, client_cert, verify_tls
            SslEngineConfigurator tls = new SslEngineConfigurator(network.clientTls(), true, false, false);
            tls.setHostVerificationEnabled(network.verifyHostname());
            client.getProperties().put(ClientProperties.SSL_ENGINE_CONFIGURATOR, tls);
        }
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .configurator(new UserAgent(network.userAgent())).build();
        Future<Session> pending;
        try {
            pending = withBundleLoader(() -> asyncConnect(client, endpoint, config));
        } catch (IllegalStateException e) {
            throw failure(e.getCause() == null ? e : e.getCause());
        }
        return await(pending, ctx).map(WebSocketConnection::new);
    }

    private static String proxyUri(InetSocketAddress proxy) {
        String host = proxy.getHostString();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + proxy.getPort();
    }

    private Future<Session> asyncConnect(ClientManager client, Endpoint endpoint, ClientEndpointConfig config) {
        try {
            return client.asyncConnectToServer(endpoint, config, settings.url().uri());
        } catch (DeploymentException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<Session> await(Future<Session> pending, FetchContext ctx)
            throws SourceException, InterruptedException {
        try {
            while (true) {
                try {
                    return Optional.of(pending.get(WebSocketInput.TICK.toMillis(), TimeUnit.MILLISECONDS));
                } catch (TimeoutException e) {
                    if (ctx.stopRequested()) {
                        abandon(pending);
                        return Optional.empty();
                    }
                }
            }
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (InterruptedException e) {
            abandon(pending);
            throw e;
        }
    }

    /** A connection still being made when the input stops is closed as soon as it is established. */
    private static void abandon(Future<Session> pending) {
        if (pending instanceof CompletableFuture<Session> future) {
            future.thenAccept(session -> WebSocketConnection.closeQuietly(session,
                    new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "input stopped")));
        }
    }

    /** A clear, secret-free error for a failed connection attempt. */
    private SourceException failure(Throwable error) {
        String where = "cannot connect to " + settings.url().display() + ": ";
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof RetryAfterException retry) {
                Duration wait = retry.getDelay() == null || retry.getDelay() < 0 ? null
                        : Duration.ofSeconds(retry.getDelay());
                return new HttpStatusException(where + "the server is unavailable (503)"
                        + (wait == null ? "" : ", retry after " + wait.toSeconds() + " s"), 503, wait);
            }
            if (cause instanceof HandshakeException handshake && handshake.getHttpStatusCode() != 500) {
                return new HttpStatusException(where + "the server answered HTTP " + handshake.getHttpStatusCode()
                        + " instead of switching to the websocket protocol", handshake.getHttpStatusCode(), null);
            }
            if (cause instanceof SSLException) {
                return new SourceException(where + "TLS failed (" + settings.url().mask(cause.getMessage())
                        + "); check verify_tls, ca_file and client_cert", error);
            }
        }
        return new SourceException(where + settings.url().mask(rootMessage(error)), error);
    }

    /** Sends the input's {@code user_agent} with the opening handshake. */
    private static final class UserAgent extends ClientEndpointConfig.Configurator {
        private final String value;

        UserAgent(String value) {
            this.value = value;
        }

        @Override
        public void beforeRequest(Map<String, List<String>> headers) {
            headers.put("User-Agent", List.of(value));
        }
    }

    /** The most specific message of a chain: Tyrus wraps e.g. "Connection refused" in "Handshake error.". */
    private static String rootMessage(Throwable error) {
        String message = null;
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                message = cause.getMessage();
            } else if (message == null) {
                message = cause.getClass().getSimpleName();
            }
        }
        return message == null ? "unknown error" : message;
    }

    /**
     * Tyrus looks its container and service providers up through the thread context class loader; in OSGi that
     * must be this bundle's loader, which imports the Tyrus packages.
     */
    private static <T> T withBundleLoader(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(WebSocketConnector.class.getClassLoader());
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
