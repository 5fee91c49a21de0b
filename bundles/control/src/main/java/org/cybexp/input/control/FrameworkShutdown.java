package org.cybexp.input.control;

import java.util.concurrent.atomic.AtomicBoolean;

import org.cybexp.input.manager.PluginManager;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops every input, then the framework (which ends the daemon's JVM). The first request stops as asked; a
 * second one while the first is still running stops the inputs at once and the framework without waiting.
 * The work runs on its own thread so the caller (a socket worker, a signal handler) returns at once.
 *
 * <p>One instance serves the signals and the CLI alike (a service of this bundle), so a SIGTERM after a
 * {@code stop}, or {@code stop --now} after a SIGTERM, escalates the stop already under way.
 */
@Component(service = FrameworkShutdown.class)
public final class FrameworkShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(FrameworkShutdown.class);

    private final PluginManager manager;
    private final Runnable stopFramework;
    private final AtomicBoolean requested = new AtomicBoolean();

    @Activate
    public FrameworkShutdown(BundleContext context, @Reference PluginManager manager) {
        this(manager, ControlServer.stopper(context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION)));
    }

    /** @param stopFramework stops the system bundle (asynchronous in Felix) */
    FrameworkShutdown(PluginManager manager, Runnable stopFramework) {
        this.manager = manager;
        this.stopFramework = stopFramework;
    }

    /** Stops gracefully or at once; a request while a stop runs makes it immediate. */
    void request(boolean immediate) {
        if (requested.compareAndSet(false, true)) {
            start("cybexp-shutdown", () -> {
                stopInputs(immediate);
                stopFramework.run();
            });
        } else {
            LOG.warn("Second stop request while stopping: stopping every input at once");
            start("cybexp-shutdown-now", () -> stopInputs(true));
            stopFramework.run();
        }
    }

    boolean requested() {
        return requested.get();
    }

    private void stopInputs(boolean immediate) {
        try {
            manager.stopAll(immediate);
        } catch (RuntimeException e) {
            LOG.error("Stopping the inputs failed; stopping the framework anyway", e);
        }
    }

    private static void start(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(false); // keep the JVM up until the inputs are stopped
        thread.start();
    }
}
