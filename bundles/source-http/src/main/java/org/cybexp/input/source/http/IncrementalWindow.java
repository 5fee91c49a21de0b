package org.cybexp.input.source.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cybexp.input.api.InvalidConfigException;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The lower time bound of a poll ({@code since_param}, {@code since_format}, {@code since_source},
 * {@code initial_lookback}). The bound of one poll is fixed before its first page and sent with every page; the
 * next poll's bound is when this poll began ({@code poll_start}) or the largest value among the stored records
 * ({@code record:<pointer>}), never later than when this poll began: pages need not be ordered by time, and a
 * record changed during the poll must come back in the next one.
 */
final class IncrementalWindow {

    private static final String RECORD = "record:";
    private static final Pattern LOOKBACK = Pattern.compile("(\\d{1,12})\\s*([smhdw]?)");
    /** A number above this is milliseconds, not seconds (year 5138 in seconds). */
    private static final long MILLIS_ABOVE = 100_000_000_000L;

    private final String param;
    private final String format;
    private final DateTimeFormatter pattern;
    private final JsonPointer recordTime;
    private final Duration lookback;

    private IncrementalWindow(String param, String format, DateTimeFormatter pattern, JsonPointer recordTime,
            Duration lookback) {
        this.param = param;
        this.format = format;
        this.pattern = pattern;
        this.recordTime = recordTime;
        this.lookback = lookback;
    }

    static IncrementalWindow of(String param, String format, String source, String lookback)
            throws InvalidConfigException {
        String formatText = format.strip();
        DateTimeFormatter pattern = null;
        String kind = formatText.toLowerCase(Locale.ROOT);
        if (!kind.equals("epoch") && !kind.equals("epoch_ms") && !kind.equals("iso8601")) {
            try {
                pattern = DateTimeFormatter.ofPattern(formatText, Locale.ROOT).withZone(ZoneOffset.UTC);
                kind = "pattern";
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("since_format", "must be epoch, epoch_ms, iso8601 or a "
                        + "java.time pattern such as yyyy-MM-dd HH:mm:ss");
            }
        }
        String sourceText = source.strip();
        JsonPointer pointer = null;
        if (sourceText.startsWith(RECORD)) {
            pointer = RecordReader.pointer("since_source", sourceText.substring(RECORD.length()).strip());
            if (pointer == null) {
                throw new InvalidConfigException("since_source", "record: needs a JSON pointer, e.g. record:/modified");
            }
        } else if (!sourceText.equals("poll_start")) {
            throw new InvalidConfigException("since_source", "must be poll_start or record:<pointer>, e.g. "
                    + "record:/modified");
        }
        return new IncrementalWindow(param.strip(), kind, pattern, pointer, lookback(lookback));
    }

    static Duration lookback(String text) throws InvalidConfigException {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.equals("all")) {
            return null;
        }
        Matcher m = LOOKBACK.matcher(value);
        if (!m.matches()) {
            throw new InvalidConfigException("initial_lookback", "must be e.g. 30d, 12h, 90m, 3600 (seconds) or all");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            case "w" -> Duration.ofDays(7 * amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    boolean sendsBound() {
        return !param.isEmpty();
    }

    String param() {
        return param;
    }

    /** The first poll's bound, or null for all records. */
    Instant initialSince(Clock clock) {
        return lookback == null ? null : clock.instant().minus(lookback).truncatedTo(ChronoUnit.SECONDS);
    }

    String formatted(Instant since) {
        return switch (format) {
            case "epoch" -> Long.toString(since.getEpochSecond());
            case "epoch_ms" -> Long.toString(since.toEpochMilli());
            case "iso8601" -> DateTimeFormatter.ISO_INSTANT.format(since.truncatedTo(ChronoUnit.SECONDS));
            default -> pattern.format(since);
        };
    }

    /** A record's time at {@code since_source}'s pointer, if it follows records and the value reads as a time. */
    Optional<Instant> recordTime(JsonNode record) {
        if (recordTime == null) {
            return Optional.empty();
        }
        JsonNode node = record.at(recordTime);
        if (node.isNumber()) {
            return Optional.of(epoch(node.asLong()));
        }
        return node.isTextual() ? parse(node.asText().strip()) : Optional.empty();
    }

    boolean followsRecords() {
        return recordTime != null;
    }

    /** The next poll's bound, from the finished poll. */
    Instant nextSince(Instant since, Instant pollStart, Instant largestRecord) {
        if (recordTime == null) {
            return pollStart;
        }
        if (largestRecord == null) {
            return since; // nothing newer came: the bound stays, anchored (it does not slide with the clock)
        }
        Instant bound = largestRecord.isAfter(pollStart) ? pollStart : largestRecord;
        return since != null && since.isAfter(bound) ? since : bound;
    }

    private Optional<Instant> parse(String text) {
        if (text.matches("\\d{1,19}")) {
            return Optional.of(epoch(Long.parseLong(text)));
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            // not with an offset: try the forms below
        }
        String local = text.endsWith(" UTC") ? text.substring(0, text.length() - 4) : text;
        try {
            return Optional.of(LocalDateTime.parse(local.replace(' ', 'T')).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            // nor ISO local: the configured pattern, if any
        }
        if (pattern != null) {
            try {
                return Optional.of(Instant.from(pattern.parse(text)));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Instant epoch(long value) {
        return value > MILLIS_ABOVE ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
    }
}
