package org.cybexp.input.manager.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import org.cybexp.input.api.SourcePlugin;
import org.osgi.framework.Version;

/**
 * Every registered plugin service, by plugin name, best first. Two jars of one plugin may be installed at once
 * (an update copied beside the old jar instead of over it): both services stay known, the best one runs the
 * inputs, and when it goes the next one takes over. Best means the highest {@code service.ranking}, then the
 * highest bundle version, then the latest registration. Not thread-safe: guarded by the manager's lock.
 */
final class RankedPlugins {

    /** One registered service and what ranks it. */
    record Registration(SourcePlugin plugin, int ranking, Version version, long arrival) {
    }

    private static final Comparator<Registration> BEST_FIRST = Comparator
            .comparingInt(Registration::ranking).reversed()
            .thenComparing(Registration::version, Comparator.reverseOrder())
            .thenComparing(Registration::arrival, Comparator.reverseOrder());

    private final Map<String, List<Registration>> byName = new HashMap<>();
    private long arrivals;

    /**
     * Adds a service.
     *
     * @return whether it is now the best of its name (its inputs must switch to it)
     */
    boolean add(String name, SourcePlugin plugin, int ranking, Version version) {
        List<Registration> registrations = byName.computeIfAbsent(name, n -> new ArrayList<>());
        Registration added = new Registration(plugin, ranking, version, arrivals++);
        registrations.add(added);
        registrations.sort(BEST_FIRST);
        return registrations.get(0) == added;
    }

    /**
     * Removes a service.
     *
     * @return whether it was the best of its name (its inputs must switch to {@link #best}, or wait for one)
     */
    boolean remove(String name, SourcePlugin plugin) {
        List<Registration> registrations = byName.get(name);
        if (registrations == null) {
            return false;
        }
        for (int i = 0; i < registrations.size(); i++) {
            if (registrations.get(i).plugin() == plugin) {
                registrations.remove(i);
                if (registrations.isEmpty()) {
                    byName.remove(name);
                }
                return i == 0;
            }
        }
        return false;
    }

    /** The service that runs the inputs of a plugin name, if any is registered. */
    Optional<SourcePlugin> best(String name) {
        List<Registration> registrations = byName.get(name);
        return registrations == null ? Optional.empty() : Optional.of(registrations.get(0).plugin());
    }

    /** The names of the registered plugins, sorted. */
    List<String> names() {
        return new ArrayList<>(new TreeSet<>(byName.keySet()));
    }

    /** How many services of a name are registered (two while an old and a new jar are both installed). */
    int count(String name) {
        List<Registration> registrations = byName.get(name);
        return registrations == null ? 0 : registrations.size();
    }
}
