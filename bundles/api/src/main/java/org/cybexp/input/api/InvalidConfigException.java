package org.cybexp.input.api;

/**
 * An input configuration is missing a key or has an invalid value. The message is shown to users.
 *
 * @since 1.0
 */
public final class InvalidConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    /** Longer problems are cut: a 1 MB value quoted in a message must not make {@code status} print megabytes. */
    private static final int MAX_PROBLEM_CHARS = 1000;
    private final String key;

    /**
     * @param key the offending configuration key
     * @param problem what is wrong, e.g. {@code "must be an http, https or file URL"}; no secrets
     */
    public InvalidConfigException(String key, String problem) {
        super(key + ": " + cut(problem));
        this.key = key;
    }

    /** The offending key. */
    public String key() {
        return key;
    }

    private static String cut(String problem) {
        if (problem == null || problem.length() <= MAX_PROBLEM_CHARS) {
            return problem;
        }
        return problem.substring(0, MAX_PROBLEM_CHARS) + "... (cut, " + problem.length() + " characters)";
    }
}
