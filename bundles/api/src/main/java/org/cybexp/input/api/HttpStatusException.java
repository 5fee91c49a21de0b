package org.cybexp.input.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A source answered with an HTTP status other than 2xx or 304. Carries the status, for 429/503/509 the wait
 * the server asked for (which the container honours before the next fetch), and the answer's headers, for
 * sources with their own rate-limit headers (e.g. PhishTank's {@code X-Request-Limit-Interval}).
 */
public class HttpStatusException extends SourceException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Duration retryAfter;
    private final transient Map<String, String> headers;

    public HttpStatusException(String message, int status, Duration retryAfter) {
        this(message, status, retryAfter, Map.of());
    }

    /** @param headers the answer's headers, names in any case (the first value of each) */
    public HttpStatusException(String message, int status, Duration retryAfter, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
        Map<String, String> lower = new java.util.TreeMap<>();
        headers.forEach((name, value) -> lower.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
        this.headers = Map.copyOf(lower);
    }

    /** A header of the answer, by name in any case. */
    public Optional<String> header(String name) {
        return headers == null ? Optional.empty() : Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    public int status() {
        return status;
    }

    /** How long the server asked us to wait, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
