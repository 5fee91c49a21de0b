package org.cybexp.input.api;

/**
 * An input configuration is missing a key or has an invalid value. The message is shown to users.
 *
 * @since 1.0
 */
public final class InvalidConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String key;

    /**
     * @param key the offending configuration key
     * @param problem what is wrong, e.g. {@code "must be an http, https or file URL"}; no secrets
     */
    public InvalidConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The offending key. */
    public String key() {
        return key;
    }
}
