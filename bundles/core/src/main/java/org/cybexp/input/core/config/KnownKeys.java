package org.cybexp.input.core.config;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import org.cybexp.input.api.InvalidConfigException;

/**
 * Refuses a key that neither the core's nor the plugin's metatype declares, like a bad value: {@code peroid}
 * would otherwise be ignored silently and the period stay at its default.
 *
 * <p>A declared id that ends in {@code .} declares a key family: {@code header.} (the element {@code header_()})
 * accepts {@code header.Accept}, {@code header.X-Api-Key}, ... A metatype cannot list keys whose names the user
 * chooses, and the convention needs no SPI change: the plugin reads the family from
 * {@code InputConfig.properties()}.
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
                    || BOOKKEEPING_PREFIXES.stream().anyMatch(key::startsWith) || inFamily(key, known)) {
                continue;
            }
            Optional<String> meant = KeySuggestion.closest(key, known).map(KnownKeys::shown);
            throw new InvalidConfigException(key, "is not a key of plugin " + plugin
                    + meant.map(m -> " (did you mean " + m + "?)").orElse("") + "; its own keys: "
                    + String.join(", ", own.keys().keySet().stream().map(KnownKeys::shown).toList())
                    + "; keys of every input: " + String.join(", ", common.keys().keySet()));
        }
    }

    /** A family member: a declared prefix ending in '.', followed by at least one character. */
    private static boolean inFamily(String key, Set<String> known) {
        return known.stream().anyMatch(id -> isFamily(id) && key.length() > id.length() && key.startsWith(id));
    }

    static boolean isFamily(String id) {
        return id.length() > 1 && id.endsWith(".");
    }

    /** A family as users write it: {@code header.<name>}. */
    private static String shown(String id) {
        return isFamily(id) ? id + "<name>" : id;
    }
}
