package org.cybexp.input.source.misplookup;

import java.util.List;

/**
 * One attribute value to look up, with the MISP types it is searched as: the file's own type when it gave one,
 * else the types guessed from the value ({@link TypeGuess}); empty means any type.
 */
record LookupValue(String value, List<String> types) {

    LookupValue {
        types = List.copyOf(types);
    }

    /** The value as given, or guessed when {@code type} is blank. */
    static LookupValue of(String value, String type) {
        String trimmed = value.strip();
        String given = type == null ? "" : type.strip();
        return new LookupValue(trimmed, given.isEmpty() ? TypeGuess.of(trimmed) : List.of(given));
    }

    /** What identifies the lookup in the cache and in dedup keys. */
    String key() {
        return String.join(",", types) + "|" + value;
    }
}
