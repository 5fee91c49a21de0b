package org.cybexp.input.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Process signals through {@code sun.misc.Signal} (the only JDK way). Only {@link ProcessSignals} touches this
 * class, and only after checking the package is there, so a JVM without it merely has no signal handling.
 */
final class SunMiscSignals implements SignalBinding {

    private static final Logger LOG = LoggerFactory.getLogger(SunMiscSignals.class);

    private static final Set<String> STOP_OR_HANGUP = Set.of("HUP", "INT", "TERM");

    private final List<Map.Entry<Signal, SignalHandler>> previous = new ArrayList<>();

    /** @param actions signal name (e.g. {@code TERM}) to what it does; names the JVM reserves are skipped */
    SunMiscSignals(Map<String, Runnable> actions) {
        actions.forEach((name, action) -> {
            try {
                Signal signal = new Signal(name);
                SignalHandler old = Signal.handle(signal, s -> action.run());
                previous.add(Map.entry(signal, old));
                if (old == SignalHandler.SIG_IGN && STOP_OR_HANGUP.contains(name)) {
                    // the JVM leaves a HUP/INT/TERM that was ignored at launch ignored: no handler runs
                    LOG.warn("SIG{} was ignored when this JVM started (e.g. under nohup): it stays ignored", name);
                }
            } catch (IllegalArgumentException reserved) {
                // e.g. with -Xrs, or a signal the VM uses itself
                LOG.warn("Cannot handle SIG{} in this JVM: {}", name, reserved.getMessage());
            }
        });
    }

    @Override
    public void close() {
        for (Map.Entry<Signal, SignalHandler> entry : previous) {
            try {
                Signal.handle(entry.getKey(), entry.getValue());
            } catch (IllegalArgumentException e) {
                LOG.debug("Restoring SIG{}: {}", entry.getKey().getName(), e.getMessage());
            }
        }
        previous.clear();
    }
}
