package org.cybexp.input.delivery.sink;

import java.time.Duration;

/**
 * A sink's answer to one event.
 *
 * @param status the HTTP status (the archive answers 201)
 * @param message the API's {@code message}, or the start of its body; never a secret
 * @param retryAfter the wait the API asked for ({@code Retry-After}), or null
 */
public record SinkAnswer(int status, String message, Duration retryAfter) {

    /** The event was taken. */
    public boolean accepted() {
        return status >= 200 && status < 300;
    }
}
