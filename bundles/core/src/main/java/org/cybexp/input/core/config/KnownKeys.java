package org.cybexp.input.core.config;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import org.cybexp.input.api.InvalidConfigException;

/**
 * Refuses a key that neither the core's nor the plugin's metatype declares, like a bad value: {@code peroid}
 * would otherwise be ignored silently and the period stay at its default.
 */
final class KnownKeys {

    /** ConfigAdmin's and FileInstall's own keys, and the web console's: never the user's typo. */
    private static final Set<String> BOOKKEEPING_PREFIXES = Set.of("service.", "felix.fileinstall.",
            "component.", "webconsole.");

    private KnownKeys() {
    }

    static void check(String plugin, Collection<String> keys, ObjectClass common, ObjectClass own,
            Collection<String> aliases, String pluginNameKey) throws InvalidConfigException {
        Set<String> known = new LinkedHashSet<>(own.keys().keySet());
        known.addAll(common.keys().keySet());
        for (String key : keys) {
            if (known.contains(key) || aliases.contains(key) || key.equals(pluginNameKey)
                    || BOOKKEEPING_PREFIXES.stream().anyMatch(key::startsWith)) {
                continue;
            }
            Optional<String> meant = KeySuggestion.closest(key, known);
            throw new InvalidConfigException(key, "is not a key of plugin " + plugin
                    + meant.map(m -> " (did you mean " + m + "?)").orElse("") + "; its own keys: "
                    + String.join(", ", own.keys().keySet()) + "; keys of every input: "
                    + String.join(", ", common.keys().keySet()));
        }
    }
}
