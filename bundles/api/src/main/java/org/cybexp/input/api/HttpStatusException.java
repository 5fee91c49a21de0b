package org.cybexp.input.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A source answered with an HTTP status other than 2xx or 304. Carries the status, for 429/503/509 the wait
 * the server asked for (which the container honours before the next fetch), and the answer's headers, for
 * sources with their own rate-limit headers (e.g. PhishTank's {@code X-Request-Limit-Interval}).
 *
 * @since 1.0
 */
public class HttpStatusException extends SourceException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Duration retryAfter;
    private final transient Map<String, String> headers;

    /**
     * An error status without headers.
     *
     * @param message what was asked and answered, without secrets (e.g. {@code GET https://... answered 503})
     * @param status the HTTP status
     * @param retryAfter the wait the server asked for, or null
     */
    public HttpStatusException(String message, int status, Duration retryAfter) {
        this(message, status, retryAfter, Map.of());
    }

    /**
     * An error status with the answer's headers.
     *
     * @param message what was asked and answered, without secrets
     * @param status the HTTP status
     * @param retryAfter the wait the server asked for, or null
     * @param headers the answer's headers, names in any case (the first value of each)
     */
    public HttpStatusException(String message, int status, Duration retryAfter, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
        Map<String, String> lower = new java.util.TreeMap<>();
        headers.forEach((name, value) -> lower.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
        this.headers = Map.copyOf(lower);
    }

    /**
     * A header of the answer.
     *
     * @param name its name, in any case
     * @return its first value
     */
    public Optional<String> header(String name) {
        return headers == null ? Optional.empty() : Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * The HTTP status.
     *
     * @return the status code, e.g. 404 or 503
     */
    public int status() {
        return status;
    }

    /**
     * How long the server asked us to wait ({@code Retry-After}), if it said.
     *
     * @return the wait; the container waits at least that long before the next fetch
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
