package org.cybexp.input.api;

/**
 * A secret configuration value (API key, token). Its {@link #toString()} is masked so it cannot leak into logs,
 * status or exception messages by accident; call {@link #reveal()} only where the secret is sent.
 */
public final class Secret {

    private static final Secret EMPTY = new Secret("");
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return value == null || value.isEmpty() ? EMPTY : new Secret(value);
    }

    /** The secret itself. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    /**
     * Replaces every whole occurrence of the secret in a text (e.g. a URL with a key in its path) with
     * {@code ***}. Whole: not inside a longer run of letters and digits, so a short secret {@code tok} never
     * turns "Invalid/missing token" into "Invalid/missing ***en" (which would also tell its letters).
     */
    public String mask(String text) {
        return WholeValues.replace(text, value, "***");
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "" : "***";
    }
}
