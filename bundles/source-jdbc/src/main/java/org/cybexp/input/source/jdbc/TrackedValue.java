package org.cybexp.input.source.jdbc;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;

/**
 * A value of the tracking or id column, as the cursor keeps it: its kind and a canonical text. It is read from
 * and bound to SQL with the column's own type, so the database compares it, never Java.
 */
record TrackedValue(TrackedValue.Kind kind, String text) {

    /** How a column's values are read, bound and compared. */
    enum Kind {
        /** {@code timestamp with time zone}: an instant, kept in UTC. */
        INSTANT,
        /** {@code timestamp} without time zone: a wall-clock time in the input's {@code timezone}. */
        LOCAL,
        DATE,
        LONG,
        DECIMAL,
        /** Anything else (text, uuid): bound as a string. */
        TEXT;

        /** Whether {@code settle_seconds} and {@code lookback_seconds} apply (a point in time). */
        boolean isTime() {
            return this == INSTANT || this == LOCAL;
        }

        static Kind of(ResultSetMetaData meta, int column) throws SQLException {
            String name = String.valueOf(meta.getColumnTypeName(column)).toLowerCase(Locale.ROOT);
            int type = meta.getColumnType(column);
            if (type == Types.TIMESTAMP_WITH_TIMEZONE || name.equals("timestamptz")
                    || name.contains("with time zone") && name.startsWith("timestamp")) {
                return INSTANT;
            }
            return switch (type) {
                case Types.TIMESTAMP -> LOCAL;
                case Types.DATE -> DATE;
                case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> LONG;
                case Types.NUMERIC, Types.DECIMAL -> DECIMAL;
                default -> TEXT;
            };
        }
    }

    /** The column's value in the current row; empty for NULL. */
    static Optional<TrackedValue> read(ResultSet row, int column, Kind kind) throws SQLException {
        String text = switch (kind) {
            case INSTANT -> {
                OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
                yield value == null ? null : value.toInstant().toString();
            }
            case LOCAL -> {
                LocalDateTime value = row.getObject(column, LocalDateTime.class);
                yield value == null ? null : value.toString();
            }
            case DATE -> {
                LocalDate value = row.getObject(column, LocalDate.class);
                yield value == null ? null : value.toString();
            }
            case LONG -> {
                long value = row.getLong(column);
                yield row.wasNull() ? null : Long.toString(value);
            }
            case DECIMAL -> {
                BigDecimal value = row.getBigDecimal(column);
                yield value == null ? null : value.toPlainString();
            }
            case TEXT -> row.getString(column);
        };
        return Optional.ofNullable(text).map(t -> new TrackedValue(kind, t));
    }

    void bind(PreparedStatement statement, int parameter) throws SQLException {
        switch (kind) {
            case INSTANT -> statement.setObject(parameter, OffsetDateTime.ofInstant(Instant.parse(text), ZoneOffset.UTC));
            case LOCAL -> statement.setObject(parameter, LocalDateTime.parse(text));
            case DATE -> statement.setObject(parameter, LocalDate.parse(text));
            case LONG -> statement.setLong(parameter, Long.parseLong(text));
            case DECIMAL -> statement.setBigDecimal(parameter, new BigDecimal(text));
            case TEXT -> statement.setString(parameter, text);
        }
    }

    /** This point in time moved back by a duration (lookback); only for {@link Kind#isTime()} kinds. */
    TrackedValue minus(Duration duration) {
        return switch (kind) {
            case INSTANT -> new TrackedValue(kind, Instant.parse(text).minus(duration).toString());
            case LOCAL -> new TrackedValue(kind, LocalDateTime.parse(text).minus(duration).toString());
            default -> this;
        };
    }

    /** Whether this point in time is before another of the same kind; only for {@link Kind#isTime()} kinds. */
    boolean isBefore(TrackedValue other) {
        return switch (kind) {
            case INSTANT -> Instant.parse(text).isBefore(Instant.parse(other.text));
            case LOCAL -> LocalDateTime.parse(text).isBefore(LocalDateTime.parse(other.text));
            default -> throw new IllegalStateException("not a point in time: " + kind);
        };
    }

    /** The time {@code settle} before now, as a value of this kind. */
    static TrackedValue settledBound(Kind kind, Instant now, Duration settle, ZoneId zone) {
        Instant bound = now.minus(settle);
        return kind == Kind.INSTANT ? new TrackedValue(kind, bound.toString())
                : new TrackedValue(kind, LocalDateTime.ofInstant(bound, zone).toString());
    }

    /** As kept in the state: {@code KIND:text}. */
    String stored() {
        return kind.name() + ":" + text;
    }

    static Optional<TrackedValue> parse(String stored, Kind expected) {
        if (stored == null) {
            return Optional.empty();
        }
        int colon = stored.indexOf(':');
        if (colon < 0 || !stored.substring(0, colon).equals(expected.name())) {
            return Optional.empty(); // the column changed type: the old cursor means nothing
        }
        return Optional.of(new TrackedValue(expected, stored.substring(colon + 1)));
    }
}
