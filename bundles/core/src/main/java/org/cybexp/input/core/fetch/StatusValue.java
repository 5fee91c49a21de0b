package org.cybexp.input.core.fetch;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plugin's status detail as an immutable JSON-like tree: the plugin may go on changing the map or list it
 * passed, and status readers on other threads must see one consistent value.
 */
final class StatusValue {

    private StatusValue() {
    }

    static Object of(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Number n) {
            return n instanceof Double d && (d.isNaN() || d.isInfinite()) ? String.valueOf(d) : n;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), of(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof Collection<?> items) {
            List<Object> copy = new ArrayList<>(items.size());
            items.forEach(item -> copy.add(of(item)));
            return Collections.unmodifiableList(copy);
        }
        if (value.getClass().isArray()) {
            int length = Array.getLength(value);
            List<Object> copy = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                copy.add(of(Array.get(value, i)));
            }
            return Collections.unmodifiableList(copy);
        }
        return value.toString();
    }
}
