package org.cybexp.input.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys one metatype object class ({@code <OCD>}) declares, in declaration order.
 *
 * @param id the OCD's id
 */
public record ObjectClass(String id, Map<String, KeyDefinition> keys) {

    public ObjectClass {
        keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }
}
