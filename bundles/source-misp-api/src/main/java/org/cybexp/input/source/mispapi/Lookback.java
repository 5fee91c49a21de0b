package org.cybexp.input.source.mispapi;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.api.InvalidConfigException;

/**
 * How far back the first poll of an input goes ({@code initial_lookback}): a duration such as {@code 30d},
 * {@code 12h}, {@code 90m}, {@code 2w}, plain seconds, or {@code all} for every event the server has.
 */
record Lookback(Duration duration, boolean all) {

    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,9})\\s*([smhdw]?)");

    static Lookback parse(String text) throws InvalidConfigException {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (value.equals("all")) {
            return new Lookback(Duration.ZERO, true);
        }
        Matcher matcher = SYNTAX.matcher(value);
        if (!matcher.matches()) {
            throw new InvalidConfigException("initial_lookback",
                    "must be a duration like 30d, 12h, 90m, 2w, seconds, or all; got '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration duration = switch (matcher.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            case "w" -> Duration.ofDays(amount * 7);
            default -> Duration.ofSeconds(amount);
        };
        return new Lookback(duration, false);
    }

    /** The first poll's lower bound on Event.timestamp, unix seconds. */
    long from(Clock clock) {
        return all ? 0 : Math.max(0, clock.instant().minus(duration).getEpochSecond());
    }
}
