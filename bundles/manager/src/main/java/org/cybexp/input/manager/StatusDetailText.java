package org.cybexp.input.manager;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A plugin's structured status detail on one line of {@code status -n NAME}: compact, JSON-like. */
final class StatusDetailText {

    private StatusDetailText() {
    }

    static String of(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(e -> e.getKey() + "=" + of(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
        }
        if (value instanceof List<?> list) {
            return list.stream().map(StatusDetailText::of).collect(Collectors.joining("; ", "[", "]"));
        }
        return String.valueOf(value);
    }
}
