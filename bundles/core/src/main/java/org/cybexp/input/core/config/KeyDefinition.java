package org.cybexp.input.core.config;

import java.util.List;

/**
 * One key as a metatype declares it ({@code <AD>}): its type and the bounds the validator enforces.
 *
 * @param id the key
 * @param type the metatype type name: String, Long, Integer, Short, Byte, Double, Float, Boolean, Password, ...
 * @param min the smallest value of a number, or null
 * @param max the largest value of a number, or null
 * @param options the allowed values, empty when any value is allowed
 */
public record KeyDefinition(String id, String type, String min, String max, List<String> options) {

    public KeyDefinition {
        options = List.copyOf(options);
    }

    boolean isWholeNumber() {
        return List.of("Long", "Integer", "Short", "Byte").contains(type);
    }

    boolean isDecimal() {
        return "Double".equals(type) || "Float".equals(type);
    }

    boolean isBoolean() {
        return "Boolean".equals(type);
    }
}
