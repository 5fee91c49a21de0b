package org.cybexp.input.manager.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.cybexp.input.api.CybexSource;
import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourceInput;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.core.control.EventStore;
import org.cybexp.input.core.control.InputRunner;
import org.cybexp.input.core.control.InputRunnerFactory;
import org.cybexp.input.core.control.InputState;
import org.cybexp.input.core.control.InputStatus;
import org.cybexp.input.core.control.StopMode;
import org.cybexp.input.manager.PluginManager;
import org.cybexp.input.manager.UnknownSelectionException;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's inputs: one per factory configuration {@code cybexp.source.<plugin>}, run while its plugin
 * service is present. Plugins come and go (whiteboard); configurations come, change and go (ConfigAdmin). A new
 * configuration is validated before the running input is replaced, so a bad edit never stops a good input.
 *
 * <p>One lock guards the slots, and it is never held while a runner winds down: an operation detaches the
 * runners it stops under the lock and waits for them after releasing it ({@link StopQueue}), so {@code status}
 * answers and {@code stopAll(true)} escalates while a graceful stop waits for a hung fetch.
 */
@Component(service = {PluginManager.class, ConfigurationListener.class}, immediate = true)
public final class PluginManagerImpl implements PluginManager, ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(PluginManagerImpl.class);
    private static final String FACTORY_FILTER = "(service.factoryPid=" + SourcePlugin.PID_PREFIX + "*)";
    /** How long a graceful stop may take before the input is stopped at once. */
    static final Duration GRACEFUL_TIMEOUT = PluginManager.GRACEFUL_STOP;
    /** A removed plugin's classes must not run after its service is gone: stop its inputs at once. */
    static final Duration IMMEDIATE_TIMEOUT = Duration.ofSeconds(10);

    private final ReentrantLock lock = new ReentrantLock();
    private final RankedPlugins plugins = new RankedPlugins();
    private final Map<String, InputSlot> slots = new LinkedHashMap<>();
    private final CybexSource cybexSource;
    private final InputRunnerFactory runners;
    private final ConfigurationAdmin configAdmin;
    private boolean active;
    /** The runners detached under the lock, waited for once it is released. Guarded by the lock. */
    private final StopQueue stops = new StopQueue();

    /** The outboxes, for the delivery side of inputs that do not run (optional: status works without it). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventStore events;

    @Activate
    public PluginManagerImpl(@Reference CybexSource cybexSource, @Reference InputRunnerFactory runners,
            @Reference ConfigurationAdmin configAdmin) {
        this.cybexSource = cybexSource;
        this.runners = runners;
        this.configAdmin = configAdmin;
        // Dynamic plugin references are bound after construction; each bind applies its inputs.
        locked(() -> {
            active = true;
            reloadLocked();
        });
    }

    @Deactivate
    void deactivate() {
        locked(() -> {
            active = false;
            closeAll(StopMode.GRACEFUL, GRACEFUL_TIMEOUT);
            slots.clear();
        });
    }

    /** A plugin service: ranked by its {@code service.ranking}, then its bundle's version, then arrival. */
    @Reference(name = "plugin", service = SourcePlugin.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removePlugin")
    void addPlugin(ServiceReference<SourcePlugin> reference, SourcePlugin plugin) {
        Object ranking = reference.getProperty(Constants.SERVICE_RANKING);
        Bundle bundle = reference.getBundle();
        bindPlugin(plugin, ranking instanceof Integer rank ? rank : 0,
                bundle == null ? Version.emptyVersion : bundle.getVersion());
    }

    void removePlugin(ServiceReference<SourcePlugin> reference, SourcePlugin plugin) {
        unbindPlugin(plugin);
    }

    /** A plugin known without a service reference (ranking 0, version 0.0.0), as plain unit tests bind one. */
    void bindPlugin(SourcePlugin plugin) {
        bindPlugin(plugin, 0, Version.emptyVersion);
    }

    void bindPlugin(SourcePlugin plugin, int ranking, Version version) {
        String name = plugin.name();
        locked(() -> {
            if (!plugins.add(name, plugin, ranking, version)) {
                LOG.info("source plugin '{}' {} is available; the one of a higher rank or version keeps running"
                        + " its inputs", name, version);
                return;
            }
            LOG.info("source plugin '{}' {} is available{}", name, version,
                    plugins.count(name) > 1 ? " (it takes over from another of that name)" : "");
            switchInputs(name);
        });
    }

    void unbindPlugin(SourcePlugin plugin) {
        String name = plugin.name();
        // The stops are waited for before this returns: the plugin's classes must not run after its unbind.
        locked(() -> {
            if (!plugins.remove(name, plugin)) {
                return; // it was not the one running the inputs: nothing of it runs
            }
            if (plugins.best(name).isPresent()) {
                LOG.info("source plugin '{}' is gone: its inputs go on with the other installed one", name);
                switchInputs(name);
                return;
            }
            LOG.info("source plugin '{}' is gone: stopping its inputs", name);
            for (InputSlot slot : slotsOf(name)) {
                closeRunner(slot, StopMode.IMMEDIATE, IMMEDIATE_TIMEOUT);
                slot.idleState = InputState.PLUGIN_MISSING;
                slot.lastStatus = null;
            }
        });
    }

    /** Restarts a plugin's inputs on its best service: the previous one's fetches are stopped at once. */
    private void switchInputs(String name) {
        if (active) {
            slotsOf(name).forEach(slot -> {
                closeRunner(slot, StopMode.IMMEDIATE, IMMEDIATE_TIMEOUT);
                apply(slot, readProperties(slot.pid));
            });
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (InputNames.pluginOf(event.getFactoryPid()) == null) {
            return;
        }
        locked(() -> {
            if (!active) {
                return;
            }
            if (event.getType() == ConfigurationEvent.CM_DELETED) {
                remove(event.getPid());
            } else {
                Map<String, Object> properties = readProperties(event.getPid());
                if (properties == null) {
                    remove(event.getPid());
                } else {
                    apply(slotFor(event.getPid(), event.getFactoryPid(), properties), properties);
                }
            }
        });
    }

    @Override
    public List<InputStatus> status() {
        lock.lock(); // held only for decisions, never across a wait: status answers while a stop waits
        try {
            List<InputStatus> out = new ArrayList<>();
            EventStore delivery = events;
            for (InputSlot slot : slots.values()) {
                InputStatus status = slot.status();
                // a running input reports its delivery itself; a stopped one's outbox still drains
                out.add(slot.running() || delivery == null ? status : status.withDelivery(delivery.stats(slot.name)));
            }
            out.sort(Comparator.comparing(InputStatus::name));
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> plugins() {
        lock.lock();
        try {
            return plugins.names();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> start(Collection<String> pluginNames, Collection<String> names)
            throws UnknownSelectionException {
        return forEachSelected(pluginNames, names, slot -> {
            slot.userStopped = false;
            if (!slot.running()) {
                apply(slot, readProperties(slot.pid));
            }
        });
    }

    @Override
    public List<String> stop(Collection<String> pluginNames, Collection<String> names)
            throws UnknownSelectionException {
        return forEachSelected(pluginNames, names, slot -> {
            slot.userStopped = true;
            if (slot.running()) {
                closeRunner(slot, StopMode.GRACEFUL, GRACEFUL_TIMEOUT);
                slot.idleState = InputState.STOPPED;
            }
        });
    }

    @Override
    public List<String> restart(Collection<String> pluginNames, Collection<String> names)
            throws UnknownSelectionException {
        return forEachSelected(pluginNames, names, slot -> {
            slot.userStopped = false;
            closeRunner(slot, StopMode.GRACEFUL, GRACEFUL_TIMEOUT);
            apply(slot, readProperties(slot.pid));
        });
    }

    @Override
    public Map<String, Instant> fetch(Collection<String> names) throws UnknownSelectionException {
        Map<String, Instant> starts = new LinkedHashMap<>();
        List<InputSlot> selected = lockedSelect(() -> select(List.of(), names));
        for (InputSlot slot : selected) {
            InputRunner runner = runnerOf(slot);
            Optional<Instant> at = runner == null ? Optional.empty() : runner.fetchNow();
            starts.put(slot.name, at.orElse(null));
        }
        return starts;
    }

    /** Applies an action to every selected input under the lock; the whole selection is checked first. */
    private List<String> forEachSelected(Collection<String> pluginNames, Collection<String> names,
            Consumer<InputSlot> action) throws UnknownSelectionException {
        return lockedSelect(() -> {
            List<InputSlot> selected = select(pluginNames, names);
            selected.forEach(action);
            return namesOf(selected);
        });
    }

    @Override
    public void reload() {
        locked(() -> {
            if (active) {
                reloadLocked();
            }
        });
    }

    @Override
    public void stopAll(boolean immediate) {
        if (immediate) {
            // Escalate first, without the lock: stops other threads are waiting for end now.
            stops.escalate(IMMEDIATE_TIMEOUT);
        }
        locked(() -> closeAll(immediate ? StopMode.IMMEDIATE : StopMode.GRACEFUL,
                immediate ? IMMEDIATE_TIMEOUT : GRACEFUL_TIMEOUT));
    }

    // ---- the lock: held for decisions, released for the waits

    /** Runs an action under the lock, then waits (without it) for the runners the action stopped. */
    private void locked(Runnable action) {
        StopQueue.Batch batch;
        lock.lock();
        try {
            action.run();
        } finally {
            batch = stops.drain();
            lock.unlock();
        }
        batch.await(this::stopped);
    }

    private <T> T lockedSelect(SelectionAction<T> action) throws UnknownSelectionException {
        StopQueue.Batch batch;
        T result;
        lock.lock();
        try {
            result = action.run();
        } finally {
            batch = stops.drain();
            lock.unlock();
        }
        batch.await(this::stopped);
        return result;
    }

    /** An action under the lock that may refuse its selection. */
    @FunctionalInterface
    private interface SelectionAction<T> {
        T run() throws UnknownSelectionException;
    }

    /** A detached runner has ended: keep its last counters and start the slot's successor, if one waits. */
    private void stopped(InputSlot slot, InputRunner runner) {
        lock.lock();
        try {
            slot.totals.add(runner.status());
            if (slot.stopping == runner) {
                slot.stopping = null;
                slot.lastStatus = runner.status();
                startDeferred(slot);
            }
        } finally {
            lock.unlock();
        }
    }

    private InputRunner runnerOf(InputSlot slot) {
        lock.lock();
        try {
            return slot.runner;
        } finally {
            lock.unlock();
        }
    }

    // ---- internals; every method below runs with the lock held

    private void reloadLocked() {
        Map<String, Map<String, Object>> current = new LinkedHashMap<>();
        Map<String, String> factoryPids = new HashMap<>();
        for (Configuration configuration : listConfigurations()) {
            Map<String, Object> properties = toMap(configuration.getProperties());
            if (properties != null) {
                current.put(configuration.getPid(), properties);
                factoryPids.put(configuration.getPid(), configuration.getFactoryPid());
            }
        }
        for (String pid : new ArrayList<>(slots.keySet())) {
            if (!current.containsKey(pid)) {
                remove(pid);
            }
        }
        current.forEach((pid, properties) -> apply(slotFor(pid, factoryPids.get(pid), properties), properties));
    }

    private InputSlot slotFor(String pid, String factoryPid, Map<String, Object> properties) {
        return slots.computeIfAbsent(pid, p -> new InputSlot(p, InputNames.pluginOf(factoryPid),
                InputNames.defaultName(p, properties)));
    }

    /** Validates a configuration and, if it is good and differs from the running one, (re)starts the input. */
    private void apply(InputSlot slot, Map<String, Object> properties) {
        if (properties == null) {
            remove(slot.pid);
            return;
        }
        if (slot.running() && properties.equals(slot.appliedProperties)) {
            slot.configError = warnings(slot.config);
            return;
        }
        SourcePlugin plugin = plugins.best(slot.plugin).orElse(null);
        if (plugin == null) {
            slot.name = nameFrom(slot.pid, properties);
            slot.idleState = InputState.PLUGIN_MISSING;
            slot.configError = null;
            return;
        }
        InputConfig config;
        SourceInput input;
        try {
            config = cybexSource.validate(plugin, InputNames.defaultName(slot.pid, properties), properties);
            requireUniqueName(slot, config.name());
        } catch (InvalidConfigException | RuntimeException e) {
            refuse(slot, properties, e);
            return;
        }
        try {
            input = plugin.open(config);
        } catch (InvalidConfigException e) {
            // The plugin may quote a value that came from ${env:..}: show the reference, never the secret.
            refuse(slot, properties, new InvalidConfigException(e.key(), config.redact(
                    e.getMessage().substring(Math.min(e.getMessage().length(), e.key().length() + 2)))));
            return;
        } catch (RuntimeException e) {
            refuse(slot, properties, new IllegalStateException(config.redact(String.valueOf(e))));
            return;
        }
        closeRunner(slot, StopMode.GRACEFUL, GRACEFUL_TIMEOUT);
        slot.name = config.name();
        slot.config = config;
        slot.configError = warnings(config);
        slot.lastStatus = null;
        if (!config.enabled() || slot.userStopped) {
            closeQuietly(input);
            slot.idleState = config.enabled() ? InputState.STOPPED : InputState.DISABLED;
            return;
        }
        InputRunner runner = runners.create(config, input);
        slot.runner = runner;
        slot.runnerStarted = false;
        slot.appliedProperties = properties;
        startDeferred(slot);
        LOG.info("input '{}' ({}) started from {}", config.name(), slot.plugin,
                InputNames.origin(slot.pid, properties));
    }

    /** Starts the slot's runner unless its predecessor is still winding down (then its end starts it). */
    private void startDeferred(InputSlot slot) {
        if (slot.runner != null && !slot.runnerStarted && slot.stopping == null) {
            slot.runnerStarted = true;
            slot.runner.start();
        }
    }

    /** A running input's accepted but questionable settings, shown where its configuration errors are. */
    private static String warnings(InputConfig config) {
        return config == null || config.warnings().isEmpty() ? null
                : "warning: " + String.join("; ", config.warnings());
    }

    private void refuse(InputSlot slot, Map<String, Object> properties, Exception e) {
        String reason = e instanceof InvalidConfigException ? e.getMessage()
                : "the plugin failed to open the input: " + e;
        String origin = InputNames.origin(slot.pid, properties);
        // The reason (it starts with the key) comes first, so a table that cuts long errors keeps it.
        if (slot.running()) {
            slot.configError = reason + " (new configuration in " + origin
                    + " refused; the previous one keeps running)";
            LOG.error("input '{}': {}", slot.name, slot.configError);
        } else {
            slot.name = nameFrom(slot.pid, properties);
            slot.idleState = InputState.INVALID_CONFIG;
            slot.configError = reason + " (invalid configuration in " + origin + ")";
            LOG.error("input '{}': {}", slot.name, slot.configError);
        }
    }

    private void requireUniqueName(InputSlot slot, String name) throws InvalidConfigException {
        // Names that differ only in case are one name: their folders would collide on a case-insensitive disk.
        for (InputSlot other : slots.values()) {
            if (other != slot && name.toLowerCase(Locale.ROOT).equals(other.name.toLowerCase(Locale.ROOT))
                    && (other.running() || other.idleState != InputState.INVALID_CONFIG)) {
                throw new InvalidConfigException("name", "'" + name + "' is already used by another input"
                        + (name.equals(other.name) ? "" : " ('" + other.name + "': names must differ in more than case)"));
            }
        }
    }

    private static String nameFrom(String pid, Map<String, Object> properties) {
        Object name = properties.getOrDefault("name", properties.get("human_name"));
        return name == null || name.toString().isBlank() ? InputNames.defaultName(pid, properties)
                : name.toString().trim();
    }

    private void remove(String pid) {
        InputSlot slot = slots.remove(pid);
        if (slot != null) {
            closeRunner(slot, StopMode.GRACEFUL, GRACEFUL_TIMEOUT);
            LOG.info("input '{}' removed with its configuration", slot.name);
        }
    }

    private void closeAll(StopMode mode, Duration timeout) {
        slots.values().forEach(slot -> closeRunner(slot, mode, timeout));
    }

    /** Detaches the slot's runner and asks it to stop; the wait for its end happens once the lock is released. */
    private void closeRunner(InputSlot slot, StopMode mode, Duration timeout) {
        InputRunner runner = slot.runner;
        if (runner == null) {
            return;
        }
        slot.runner = null;
        slot.appliedProperties = null;
        slot.idleState = InputState.STOPPED;
        slot.lastStatus = runner.status();
        if (slot.runnerStarted) {
            slot.stopping = runner;
            stops.add(slot, runner, mode, timeout);
        } else {
            runner.close(); // never started: nothing to wait for
        }
    }

    private static void closeQuietly(SourceInput input) {
        try {
            input.close();
        } catch (RuntimeException e) {
            LOG.warn("closing an unused input failed: {}", e.toString());
        }
    }

    private List<InputSlot> select(Collection<String> pluginNames, Collection<String> names)
            throws UnknownSelectionException {
        Set<String> knownPlugins = new TreeSet<>(plugins.names());
        Set<String> knownNames = new TreeSet<>();
        slots.values().forEach(slot -> {
            knownPlugins.add(slot.plugin);
            knownNames.add(slot.name);
        });
        for (String plugin : pluginNames) {
            if (!knownPlugins.contains(plugin)) {
                throw new UnknownSelectionException("unknown plugin '" + plugin + "' (known: "
                        + String.join(", ", knownPlugins) + ")");
            }
        }
        for (String name : names) {
            if (!knownNames.contains(name)) {
                throw new UnknownSelectionException("no input named '" + name + "' (inputs: "
                        + String.join(", ", knownNames) + ")");
            }
        }
        Set<String> wantedPlugins = new HashSet<>(pluginNames);
        Set<String> wantedNames = new HashSet<>(names);
        boolean all = wantedPlugins.isEmpty() && wantedNames.isEmpty();
        List<InputSlot> selected = new ArrayList<>();
        for (InputSlot slot : slots.values()) {
            if (all || wantedPlugins.contains(slot.plugin) || wantedNames.contains(slot.name)) {
                selected.add(slot);
            }
        }
        return selected;
    }

    private static List<String> namesOf(List<InputSlot> selected) {
        return selected.stream().map(s -> s.name).sorted().toList();
    }

    private List<InputSlot> slotsOf(String plugin) {
        return slots.values().stream().filter(s -> plugin.equals(s.plugin)).toList();
    }

    private Configuration[] listConfigurations() {
        try {
            Configuration[] found = configAdmin.listConfigurations(FACTORY_FILTER);
            return found == null ? new Configuration[0] : found;
        } catch (IOException | InvalidSyntaxException e) {
            LOG.error("cannot list input configurations: {}", e.toString());
            return new Configuration[0];
        }
    }

    private Map<String, Object> readProperties(String pid) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            return found == null || found.length == 0 ? null : toMap(found[0].getProperties());
        } catch (IOException | InvalidSyntaxException e) {
            LOG.error("cannot read configuration {}: {}", pid, e.toString());
            return null;
        }
    }

    private static Map<String, Object> toMap(Dictionary<String, Object> dictionary) {
        if (dictionary == null) {
            return null;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Enumeration<String> keys = dictionary.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            map.put(key, dictionary.get(key));
        }
        return map;
    }
}
