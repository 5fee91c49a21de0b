package org.cybexp.input.source.phishtank;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long to wait after PhishTank said the request rate limit is exceeded. PhishTank counts downloads in a
 * window whose length it sends as {@code X-Request-Limit-Interval} (e.g. {@code 259200 Seconds}) without saying
 * when the window started, so the safe wait is the whole window; a {@code Retry-After} (seconds or an HTTP
 * date, sent by the CDN in front) is more precise and wins. With neither, an hour: the dump changes hourly.
 */
final class RateLimitWait {

    static final Duration DEFAULT = Duration.ofHours(1);
    /** Seven days: a longer window is a misread header, not a reason to stop for weeks. */
    static final Duration MAX = Duration.ofDays(7);
    private static final Pattern INTERVAL = Pattern.compile("(\\d{1,12})\\s*([a-z]*)");

    private RateLimitWait() {
    }

    /**
     * The wait from the answer's headers.
     *
     * @param retryAfter the {@code Retry-After} header, if any
     * @param interval the {@code X-Request-Limit-Interval} header, if any
     */
    static Duration of(Optional<String> retryAfter, Optional<String> interval, Clock clock) {
        return retryAfter.flatMap(value -> retryAfter(value, clock))
                .or(() -> interval.flatMap(RateLimitWait::interval))
                .map(RateLimitWait::bounded)
                .orElse(DEFAULT);
    }

    /** Reads {@code X-Request-Limit-Interval}: a number with an optional unit, seconds by default. */
    static Optional<Duration> interval(String value) {
        Matcher m = INTERVAL.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2);
        if (unit.isEmpty() || unit.startsWith("s")) {
            return Optional.of(Duration.ofSeconds(amount));
        } else if (unit.startsWith("m")) {
            return Optional.of(Duration.ofMinutes(amount));
        } else if (unit.startsWith("h")) {
            return Optional.of(Duration.ofHours(amount));
        } else if (unit.startsWith("d")) {
            return Optional.of(Duration.ofDays(Math.min(amount, MAX.toDays() + 1)));
        }
        return Optional.empty();
    }

    /** Reads {@code Retry-After}: seconds, or an HTTP date. */
    static Optional<Duration> retryAfter(String value, Clock clock) {
        String text = value.strip();
        if (text.matches("\\d{1,12}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
        }
        try {
            Duration wait = Duration.between(clock.instant(),
                    ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The wait, at most {@link #MAX}. */
    static Duration bounded(Duration wait) {
        return wait.compareTo(MAX) > 0 ? MAX : wait;
    }
}
