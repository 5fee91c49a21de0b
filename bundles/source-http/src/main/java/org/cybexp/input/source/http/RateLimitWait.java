package org.cybexp.input.source.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;

/**
 * How long an API asks us to wait, from the headers in use: {@code Retry-After} (seconds or an HTTP date; a
 * number that looks like an epoch time is read as one, as some APIs send), {@code X-RateLimit-Reset} (an epoch
 * time, GitHub style) and the IETF draft's {@code RateLimit-Reset} (seconds). The core waits that long before
 * the next fetch.
 */
final class RateLimitWait {

    /** A number above this (2001-09-09) is an epoch time, not a number of seconds. */
    private static final long EPOCH_ABOVE = 1_000_000_000L;
    /** A longer wait is a misread header, not a reason to stop for days. */
    static final Duration MAX = Duration.ofDays(1);

    private RateLimitWait() {
    }

    static Optional<Duration> of(Function<String, Optional<String>> header, Clock clock) {
        return header.apply("Retry-After").flatMap(value -> retryAfter(value, clock))
                .or(() -> header.apply("X-RateLimit-Reset").flatMap(value -> number(value, clock)))
                .or(() -> header.apply("RateLimit-Reset").flatMap(value -> number(value, clock)))
                .map(wait -> wait.compareTo(MAX) > 0 ? MAX : wait);
    }

    /** Whether the answer says no request is left in the current window. */
    static boolean exhausted(Function<String, Optional<String>> header) {
        return header.apply("X-RateLimit-Remaining").or(() -> header.apply("RateLimit-Remaining"))
                .map(String::strip).filter(value -> value.equals("0")).isPresent();
    }

    static Optional<Duration> retryAfter(String value, Clock clock) {
        String text = value.strip();
        if (text.matches("\\d{1,12}")) {
            return number(text, clock);
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(until(at, clock));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> number(String value, Clock clock) {
        String text = value.strip();
        if (!text.matches("\\d{1,12}")) {
            return Optional.empty();
        }
        long number = Long.parseLong(text);
        return Optional.of(number > EPOCH_ABOVE ? until(Instant.ofEpochSecond(number), clock)
                : Duration.ofSeconds(number));
    }

    private static Duration until(Instant at, Clock clock) {
        Duration wait = Duration.between(clock.instant(), at);
        return wait.isNegative() ? Duration.ZERO : wait;
    }
}
