package org.cybexp.input.api;

/**
 * A fetch failed because of the source (bad answer, rejected key, HTML instead of data). The message is shown
 * in status and logs, so it must be clear and free of secrets.
 *
 * @since 1.0
 */
public class SourceException extends Exception {
    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
