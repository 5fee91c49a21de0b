package org.cybexp.input.control;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

import org.cybexp.input.control.command.ControlCommands;
import org.cybexp.input.core.control.DeadLetterStore;
import org.cybexp.input.core.files.DataFolder;
import org.cybexp.input.manager.PluginManager;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon side of {@code bin/cybexp-input}: a loopback endpoint guarded by a random nonce, advertised in
 * {@code data/runningconfig} (mode 0600) for as long as the daemon runs. It holds {@code data/daemon.lock}, so
 * a second daemon on the same home finds the lock taken and opens no endpoint.
 */
@Component(immediate = true, service = ControlCommands.class)
public final class ControlServer implements ControlCommands {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    static final String PORT_PROPERTY = "cybexp.control.port";

    private final Path dataDir;
    private final DaemonLock lock;
    private final ControlEndpoint endpoint;
    private final Nonce nonce;
    private final ControlProtocol protocol;

    /** The delivery bundle's dead letters; optional and dynamic, so its restart never restarts the endpoint. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile DeadLetterStore deadLetters;

    @Activate
    public ControlServer(BundleContext context, @Reference PluginManager manager,
            @Reference FrameworkShutdown shutdown) throws IOException {
        this(manager, DataFolder.resolve(context::getProperty), port(context.getProperty(PORT_PROPERTY)), shutdown,
                Clock.systemUTC(), ControlEndpoint.READ_TIMEOUT_MS);
    }

    /** Without a framework, for tests: {@code stopFramework} is what a shutdown finally calls. */
    ControlServer(PluginManager manager, Path dataDir, int port, Runnable stopFramework, Clock clock,
            int readTimeoutMs) throws IOException {
        this(manager, dataDir, port, new FrameworkShutdown(manager, stopFramework), clock, readTimeoutMs);
    }

    ControlServer(PluginManager manager, Path dataDir, int port, FrameworkShutdown shutdown, Clock clock,
            int readTimeoutMs) throws IOException {
        this.dataDir = dataDir;
        Optional<DaemonLock> acquired = DaemonLock.tryAcquire(dataDir);
        if (acquired.isEmpty()) {
            LOG.error("Another cybexp-input daemon holds {}: this one opens no control endpoint. Stop one of them"
                    + " (two daemons on one home would share outboxes and state).",
                    dataDir.resolve(DaemonLock.FILE_NAME));
            this.lock = null;
            this.endpoint = null;
            this.nonce = null;
            this.protocol = null;
            return;
        }
        this.lock = acquired.get();
        this.nonce = Nonce.random(new SecureRandom());
        long pid = ProcessHandle.current().pid();
        this.protocol = new ControlProtocol(manager, nonce, clock, pid, shutdown::request,
                () -> deadLetters);
        try {
            this.endpoint = new ControlEndpoint(port, protocol::handle, readTimeoutMs);
            new RunningConfig(endpoint.host(), endpoint.port(), nonce.value(), pid, clock.instant())
                    .write(dataDir);
        } catch (IOException | RuntimeException e) {
            close();
            if (e instanceof BindException) {
                throw new IOException("cannot bind the control endpoint to 127.0.0.1 port " + port
                        + " (" + PORT_PROPERTY + "): " + e.getMessage(), e);
            }
            throw e;
        }
        LOG.info("Control endpoint listening on {}:{} (pid {})", endpoint.host(), endpoint.port(), pid);
    }

    /** The CLI's commands for the web console: through the same protocol as the endpoint's requests. */
    @Override
    public String execute(String request) {
        if (protocol == null) {
            return "{\"ok\":false,\"error\":\"another cybexp-input daemon holds data/daemon.lock\"}";
        }
        return protocol.handleTrusted(request);
    }

    /** The endpoint's port, or -1 if this daemon did not get the lock. */
    int port() {
        return endpoint == null ? -1 : endpoint.port();
    }

    @Deactivate
    void close() {
        try {
            if (endpoint != null) {
                endpoint.close();
            }
            if (nonce != null) {
                RunningConfig.removeIfOwned(dataDir, nonce.value());
            }
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", dataDir.resolve(RunningConfig.FILE_NAME), e.toString());
        } finally {
            releaseLock();
        }
    }

    private void releaseLock() {
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                LOG.debug("Releasing the daemon lock: {}", e.toString());
            }
        }
    }

    private static int port(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PORT_PROPERTY + " must be a port number (0-65535), not '" + value
                    + "'");
        }
    }

    static Runnable stopper(Bundle systemBundle) {
        return () -> {
            try {
                systemBundle.stop();
            } catch (BundleException | IllegalStateException e) {
                LOG.error("Could not stop the framework", e);
            }
        };
    }
}
