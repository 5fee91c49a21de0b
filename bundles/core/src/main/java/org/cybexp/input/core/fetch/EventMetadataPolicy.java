package org.cybexp.input.core.fetch;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.InputConfig;

/**
 * Which orgid and typetag an event may carry instead of its input's own: the input's {@code allowed_orgids} and
 * {@code allowed_typetags} (comma lists, {@code *} for any); empty allows only the input's own. An upload
 * endpoint names the org of each file; this is what keeps one input from posting for orgs it was not set up
 * for.
 */
final class EventMetadataPolicy {

    /** The API takes a name of any length; a short bound keeps status and logs readable. */
    static final int MAX_NAME_LENGTH = 256;

    private final InputConfig config;
    private final Set<String> orgids;
    private final Set<String> typetags;

    private EventMetadataPolicy(InputConfig config, Set<String> orgids, Set<String> typetags) {
        this.config = config;
        this.orgids = orgids;
        this.typetags = typetags;
    }

    static EventMetadataPolicy of(InputConfig config) {
        return new EventMetadataPolicy(config, list(config, "allowed_orgids"), list(config, "allowed_typetags"));
    }

    private static Set<String> list(InputConfig config, String key) {
        return config.get(key).map(text -> Arrays.stream(text.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet())).orElse(Set.of());
    }

    /** @throws IllegalArgumentException naming the value and the key that would allow it */
    void check(Event event) {
        allowed(event.orgid(), config.orgid(), orgids, "orgid", "allowed_orgids");
        allowed(event.typetag(), config.typetag(), typetags, "typetag", "allowed_typetags");
        Optional<String> name = event.name();
        if (name.isPresent() && (name.get().length() > MAX_NAME_LENGTH || name.get().chars().anyMatch(c -> c < 0x20))) {
            throw new IllegalArgumentException("an event's name must be at most " + MAX_NAME_LENGTH
                    + " characters without control characters");
        }
    }

    private void allowed(Optional<String> own, String inputValue, Set<String> allowed, String field, String key) {
        if (own.isEmpty() || own.get().equals(inputValue) || allowed.contains("*") || allowed.contains(own.get())) {
            return;
        }
        String shown = own.get().length() > 80 ? own.get().substring(0, 80) + "..." : own.get();
        throw new IllegalArgumentException(field + " '" + shown + "' is not allowed for input '" + config.name()
                + "' (" + key + (allowed.isEmpty() ? " is empty: only its own " + field + " '" + inputValue + "'"
                        : ": " + String.join(", ", allowed.stream().sorted().toList())) + ")");
    }
}
