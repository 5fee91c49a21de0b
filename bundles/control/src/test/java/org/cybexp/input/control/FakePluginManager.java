package org.cybexp.input.control;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.cybexp.input.core.control.DeliveryState;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.manager.PluginManager;
import org.cybexp.input.manager.UnknownSelectionException;

/** Two inputs of the {@code openphish} plugin; records the calls it gets. */
final class FakePluginManager implements PluginManager {

    final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<InputStatus> inputs = new CopyOnWriteArrayList<>(List.of(
            new InputStatus("main", "openphish", InputState.WAITING, "50 urls, 50 new", 50, 0, 0, 50, 2, 0, 0, 0,
                    null, null, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T01:00:00Z"), null,
                    2, Instant.parse("2026-01-01T00:30:00Z"), DeliveryState.RETRYING,
                    Instant.parse("2026-01-01T00:31:00Z"), "503 Service Unavailable", 7,
                    java.util.Map.of("udp", java.util.Map.of("kernel_drops", 5))),
            InputStatus.idle("spare", "openphish", InputState.STOPPED, null)));

    @Override
    public List<InputStatus> status() {
        return List.copyOf(inputs);
    }

    @Override
    public List<String> plugins() {
        return List.of("openphish");
    }

    @Override
    public List<String> start(Collection<String> plugins, Collection<String> names)
            throws UnknownSelectionException {
        calls.add("start " + plugins + " " + names);
        return select(plugins, names);
    }

    @Override
    public List<String> stop(Collection<String> plugins, Collection<String> names)
            throws UnknownSelectionException {
        calls.add("stop " + plugins + " " + names);
        return select(plugins, names);
    }

    @Override
    public List<String> restart(Collection<String> plugins, Collection<String> names)
            throws UnknownSelectionException {
        calls.add("restart " + plugins + " " + names);
        return select(plugins, names);
    }

    @Override
    public java.util.Map<String, Instant> fetch(Collection<String> names) throws UnknownSelectionException {
        calls.add("fetch " + names);
        java.util.Map<String, Instant> out = new java.util.LinkedHashMap<>();
        for (String name : select(List.of(), names)) {
            out.put(name, name.equals("main") ? Instant.parse("2026-01-01T00:01:00Z") : null);
        }
        return out;
    }

    /** Replaces the state of an input, e.g. to show it disabled. */
    void state(String name, InputState state) {
        inputs.replaceAll(s -> s.name().equals(name) ? s.with(state, s.configError()) : s);
    }

    @Override
    public void reload() {
        calls.add("reload");
    }

    @Override
    public void stopAll(boolean immediate) {
        calls.add("stopAll " + immediate);
    }

    private List<String> select(Collection<String> plugins, Collection<String> names)
            throws UnknownSelectionException {
        for (String name : names) {
            if (inputs.stream().noneMatch(s -> s.name().equals(name))) {
                throw new UnknownSelectionException("unknown input name '" + name + "'");
            }
        }
        for (String plugin : plugins) {
            if (!plugins().contains(plugin)) {
                throw new UnknownSelectionException("unknown plugin '" + plugin + "'");
            }
        }
        List<String> out = new ArrayList<>();
        inputs.stream().filter(s -> (plugins.isEmpty() && names.isEmpty()) || plugins.contains(s.plugin())
                || names.contains(s.name())).forEach(s -> out.add(s.name()));
        return out;
    }
}
