package org.cybexp.input.api;

import java.time.Duration;
import java.util.Optional;

/**
 * A source answered with an HTTP status other than 2xx or 304. Carries the status and, for 429/503/509, the
 * wait the server asked for, which the container honours before the next fetch.
 */
public class HttpStatusException extends SourceException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Duration retryAfter;

    public HttpStatusException(String message, int status, Duration retryAfter) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    /** How long the server asked us to wait, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
