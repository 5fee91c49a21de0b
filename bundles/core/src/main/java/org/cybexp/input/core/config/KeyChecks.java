package org.cybexp.input.core.config;

import org.cybexp.input.api.InputConfig;
import org.cybexp.input.api.InvalidConfigException;

/** Checks a value against its metatype declaration: type, min/max of numbers, options. */
final class KeyChecks {

    private KeyChecks() {
    }

    /** @throws InvalidConfigException naming the key, quoting the value cut short */
    static void check(String key, KeyDefinition definition, String text) throws InvalidConfigException {
        String value = text.trim();
        if (value.isEmpty()) {
            return;
        }
        if (definition.isWholeNumber()) {
            bounds(key, definition, wholeNumber(key, value));
        } else if (definition.isDecimal()) {
            bounds(key, definition, decimal(key, value));
        } else if (definition.isBoolean()) {
            InputConfig.parseBoolean(key, value);
        }
        if (!definition.options().isEmpty()
                && definition.options().stream().noneMatch(option -> option.equalsIgnoreCase(value))) {
            throw new InvalidConfigException(key, "must be one of " + String.join(", ", definition.options())
                    + ", got " + InputConfig.quote(value));
        }
    }

    private static double wholeNumber(String key, String value) throws InvalidConfigException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "must be a whole number, got " + InputConfig.quote(value));
        }
    }

    private static double decimal(String key, String value) throws InvalidConfigException {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "must be a number, got " + InputConfig.quote(value));
        }
    }

    private static void bounds(String key, KeyDefinition definition, double value) throws InvalidConfigException {
        if (definition.min() != null && value < Double.parseDouble(definition.min())) {
            throw new InvalidConfigException(key, "must be at least " + definition.min() + ", got "
                    + InputConfig.quote(plain(value)));
        }
        if (definition.max() != null && value > Double.parseDouble(definition.max())) {
            throw new InvalidConfigException(key, "must be at most " + definition.max() + ", got "
                    + InputConfig.quote(plain(value)));
        }
    }

    private static String plain(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e18 ? Long.toString((long) value)
                : Double.toString(value);
    }
}
