package org.cybexp.input.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cybexp.input.manager.PluginManager;
import org.cybexp.input.manager.UnknownSelectionException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's process signals, as the original module had them: TERM and INT stop gracefully (a second one
 * stops at once), USR1 restarts every input, HUP re-reads the input configurations. Set the framework property
 * {@code cybexp.signals=false} to leave the JVM's handlers alone (e.g. when embedded in a test JVM).
 */
@Component(immediate = true, service = {})
public final class ProcessSignals {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessSignals.class);
    static final String ENABLED_PROPERTY = "cybexp.signals";

    private final SignalBinding binding;

    @Activate
    public ProcessSignals(BundleContext context, @Reference PluginManager manager,
            @Reference FrameworkShutdown shutdown) {
        if ("false".equalsIgnoreCase(context.getProperty(ENABLED_PROPERTY))) {
            binding = null;
            return;
        }
        binding = bind(actions(manager, shutdown));
    }

    static Map<String, Runnable> actions(PluginManager manager, FrameworkShutdown shutdown) {
        Map<String, Runnable> actions = new LinkedHashMap<>();
        Runnable stop = () -> {
            LOG.info("Stop signal: {}", shutdown.requested() ? "stopping at once" : "stopping gracefully");
            shutdown.request(false); // a second request escalates to an immediate stop
        };
        actions.put("TERM", stop);
        actions.put("INT", stop);
        actions.put("USR1", () -> {
            LOG.info("SIGUSR1: restarting every input");
            try {
                manager.restart(List.of(), List.of());
            } catch (UnknownSelectionException | RuntimeException e) {
                LOG.error("Restart on SIGUSR1 failed", e);
            }
        });
        actions.put("HUP", () -> {
            LOG.info("SIGHUP: re-reading the input configurations");
            try {
                manager.reload();
            } catch (RuntimeException e) {
                LOG.error("Reload on SIGHUP failed", e);
            }
        });
        return actions;
    }

    private static SignalBinding bind(Map<String, Runnable> actions) {
        try {
            Class.forName("sun.misc.Signal", false, ProcessSignals.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError absent) {
            LOG.warn("sun.misc.Signal is not available (add sun.misc to org.osgi.framework.system.packages.extra):"
                    + " no handling of TERM/INT/USR1/HUP; stop the daemon with 'cybexp-input stop'");
            return null;
        }
        return new SunMiscSignals(actions);
    }

    @Deactivate
    void close() {
        if (binding != null) {
            binding.close();
        }
    }
}
