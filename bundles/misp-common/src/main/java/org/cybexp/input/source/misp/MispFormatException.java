package org.cybexp.input.source.misp;

import java.io.IOException;

/**
 * A document is not what MISP writes: not JSON, an HTML page, cut short, or JSON of another shape. Distinct
 * from other {@link IOException}s (a failing disk or connection) so that a file can be set aside as malformed
 * while an I/O failure is retried. The message names the problem and never quotes more than a short excerpt.
 */
public final class MispFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public MispFormatException(String message) {
        super(message);
    }

    public MispFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
