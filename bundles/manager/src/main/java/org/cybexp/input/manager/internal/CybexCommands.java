package org.cybexp.input.manager.internal;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.cybexp.input.manager.PluginManager;
import org.cybexp.input.manager.StatusTable;
import org.cybexp.input.manager.UnknownSelectionException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The Gogo commands of scope {@code cybexp}: the CLI's operations from inside the container's shell. */
@Component(service = CybexCommands.class, property = {
    "osgi.command.scope=cybexp",
    "osgi.command.function=list",
    "osgi.command.function=plugins",
    "osgi.command.function=start",
    "osgi.command.function=stop",
    "osgi.command.function=restart",
    "osgi.command.function=status",
    "osgi.command.function=reload"
})
public final class CybexCommands {

    private final PluginManager manager;

    @Activate
    public CybexCommands(@Reference PluginManager manager) {
        this.manager = manager;
    }

    @Descriptor("list the inputs with their plugin and state")
    public String list() {
        StringBuilder out = new StringBuilder();
        manager.status().forEach(s -> out.append(String.format("%-20s %-10s %s%n", s.name(), s.plugin(),
                s.state().name().toLowerCase())));
        return out.length() == 0 ? "no inputs configured\n" : out.toString();
    }

    @Descriptor("list the source plugins that are installed and active")
    public String plugins() {
        return String.join("\n", manager.plugins()) + "\n";
    }

    @Descriptor("show every input as 'cybexp-input status' does: state, counters, delivery, detail, last error")
    public String status() {
        return StatusTable.render(ProcessHandle.current().pid(),
                Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime()), manager.plugins(),
                manager.status(), Instant.now());
    }

    @Descriptor("start inputs (all when no name is given)")
    public String start(@Descriptor("input names") String... names) {
        return selected("started", () -> manager.start(List.of(), Arrays.asList(names)));
    }

    @Descriptor("stop inputs gracefully; they stay stopped until started (all when no name is given)")
    public String stop(@Descriptor("input names") String... names) {
        return selected("stopped", () -> manager.stop(List.of(), Arrays.asList(names)));
    }

    @Descriptor("restart inputs with their current configuration (all when no name is given)")
    public String restart(@Descriptor("input names") String... names) {
        return selected("restarted", () -> manager.restart(List.of(), Arrays.asList(names)));
    }

    /** A selection the manager refuses is told as the CLI tells it, without the exception's class name. */
    private static String selected(String verb, Selection selection) {
        try {
            return done(verb, selection.run());
        } catch (UnknownSelectionException e) {
            System.err.println("cybexp: " + e.getMessage());
            return null;
        }
    }

    /** A manager call that may refuse its selection. */
    @FunctionalInterface
    private interface Selection {
        List<String> run() throws UnknownSelectionException;
    }

    @Descriptor("re-read every input configuration and apply what changed")
    public String reload() {
        manager.reload();
        return "configurations re-read\n";
    }

    private static String done(String verb, List<String> names) {
        return names.isEmpty() ? "no inputs selected\n" : verb + ": " + String.join(", ", names) + "\n";
    }
}
