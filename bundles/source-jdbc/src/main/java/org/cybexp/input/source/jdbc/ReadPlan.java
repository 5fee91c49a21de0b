package org.cybexp.input.source.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.cybexp.input.api.SourceException;

/**
 * What to read and in which order: the table or query, the tracking and id columns, and the SQL of one poll.
 * Rows come in keyset order {@code ORDER BY tracking, id} from the cursor on (never OFFSET), so a restart
 * resumes after the last row stored whatever was inserted meanwhile.
 */
final class ReadPlan {

    /** A table (every column) or a query, wrapped as a derived table. */
    record Source(String table, String query) {
        static Source table(String table) {
            return new Source(table, null);
        }

        static Source query(String query) {
            return new Source(null, query);
        }

        String from() {
            return table != null ? table : "(" + query + ") cybexp_rows";
        }

        /** The first part of each row's dedup key: the table, or {@code query}. */
        String keyPrefix() {
            return table != null ? table : "query";
        }
    }

    /** The columns found in the result: where the tracking and id columns are, and their kinds. */
    record Shape(int tracking, TrackedValue.Kind trackingKind, int id, TrackedValue.Kind idKind) {
        boolean hasId() {
            return id > 0;
        }
    }

    /**
     * One poll's SQL and its parameters, and from which tracking value on its rows need a dedup key (empty: none
     * does, no later poll reads a row again).
     */
    record Poll(String sql, List<TrackedValue> parameters, Optional<TrackedValue> keysFrom) {
        /** Whether a later poll may read this row again, so it needs a dedup key. */
        boolean needsKey(TrackedValue tracking) {
            return keysFrom.isPresent() && !tracking.isBefore(keysFrom.get());
        }

        void bind(PreparedStatement statement) throws SQLException {
            for (int i = 0; i < parameters.size(); i++) {
                parameters.get(i).bind(statement, i + 1);
            }
        }
    }

    private final Source source;
    private final String trackingColumn;
    private final String idColumn;
    private final Duration settle;
    private final Duration lookback;
    private final Duration keyMargin;
    private final ZoneId zone;

    private ReadPlan(Source source, String trackingColumn, String idColumn, Duration settle, Duration lookback,
            Duration keyMargin, ZoneId zone) {
        this.source = source;
        this.trackingColumn = trackingColumn;
        this.idColumn = idColumn;
        this.settle = settle;
        this.lookback = lookback;
        this.keyMargin = keyMargin;
        this.zone = zone;
    }

    /**
     * @param keyMargin how much older than {@code now - settle - lookback} a row still gets a dedup key and may be
     *     read again: covers clock skew and steps, a daylight-saving change of a timestamp without time zone, and
     *     the period between a late commit and the poll that sees it
     */
    static ReadPlan of(Source source, String trackingColumn, String idColumn, long settleSeconds,
            long lookbackSeconds, Duration keyMargin, ZoneId zone) {
        return new ReadPlan(source, trackingColumn, idColumn, Duration.ofSeconds(settleSeconds),
                Duration.ofSeconds(lookbackSeconds), keyMargin, zone);
    }

    Source source() {
        return source;
    }

    ZoneId zone() {
        return zone;
    }

    /** A query that returns no row but the result's columns, to check the columns before reading. */
    String probeSql() {
        return "SELECT * FROM " + source.from() + " WHERE 1 = 0";
    }

    /** What the cursor belongs to: a cursor of another table, query or column is not resumed. */
    String fingerprint() {
        String what = source.table != null ? "table " + source.table : "query " + source.query.hashCode();
        return what + " / " + trackingColumn + " / " + (idColumn == null ? "-" : idColumn);
    }

    /** @throws SourceException naming the key whose column the result lacks, with the columns it has */
    Shape shape(ResultSetMetaData meta) throws SQLException, SourceException {
        int tracking = find(meta, trackingColumn);
        int id = idColumn == null ? 0 : find(meta, idColumn);
        if (tracking == 0 || (idColumn != null && id == 0)) {
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnLabel(i));
            }
            String key = tracking == 0 ? "tracking_column" : "id_column";
            String name = tracking == 0 ? trackingColumn : idColumn;
            throw new SourceException(key + ": no column " + name + " in " + (source.table != null
                    ? "table " + source.table : "the query's result") + " (its columns: " + String.join(", ", columns)
                    + ")");
        }
        return new Shape(tracking, TrackedValue.Kind.of(meta, tracking), id,
                id == 0 ? null : TrackedValue.Kind.of(meta, id));
    }

    /**
     * This poll's SQL: rows after the cursor, settled, in keyset order; for a timestamp with a lookback also the
     * rows behind the cursor back to {@code cursor - lookback}, but never older than the key window
     * ({@code now - settle - lookback - margin}). Only rows in that window get a dedup key, and only they are ever
     * read twice (a crash apart: then at most the batch after the last checkpoint), so an old-row backfill keeps
     * no key while a late commit within the lookback is still read once.
     */
    Poll poll(Shape shape, Optional<TrackedValue> tracking, Optional<TrackedValue> id, Instant now) {
        StringBuilder sql = new StringBuilder("SELECT * FROM ").append(source.from()).append(" WHERE ")
                .append(trackingColumn).append(" IS NOT NULL");
        List<TrackedValue> parameters = new ArrayList<>();
        boolean time = shape.trackingKind().isTime();
        Optional<TrackedValue> keysFrom = time && !lookback.isZero() ? Optional.of(TrackedValue.settledBound(
                shape.trackingKind(), now, settle.plus(lookback).plus(keyMargin), zone)) : Optional.empty();
        if (tracking.isPresent()) {
            TrackedValue lookFrom = keysFrom.map(window -> later(tracking.get().minus(lookback), window))
                    .orElse(null);
            if (lookFrom != null && !tracking.get().isBefore(lookFrom)) {
                sql.append(" AND ").append(trackingColumn).append(" >= ?");
                parameters.add(lookFrom);
            } else if (shape.hasId() && id.isPresent()) {
                sql.append(" AND (").append(trackingColumn).append(" > ? OR (").append(trackingColumn)
                        .append(" = ? AND ").append(idColumn).append(" > ?))");
                parameters.add(tracking.get());
                parameters.add(tracking.get());
                parameters.add(id.get());
            } else {
                sql.append(" AND ").append(trackingColumn).append(" > ?");
                parameters.add(tracking.get());
            }
        }
        if (time && !settle.isZero()) {
            sql.append(" AND ").append(trackingColumn).append(" < ?");
            parameters.add(TrackedValue.settledBound(shape.trackingKind(), now, settle, zone));
        }
        sql.append(" ORDER BY ").append(trackingColumn);
        if (shape.hasId()) {
            sql.append(", ").append(idColumn);
        }
        return new Poll(sql.toString(), parameters, keysFrom);
    }

    private static TrackedValue later(TrackedValue a, TrackedValue b) {
        return a.isBefore(b) ? b : a;
    }

    /** The column's position in the result, 1-based; 0 if absent. A quoted name matches exactly. */
    private static int find(ResultSetMetaData meta, String column) throws SQLException {
        boolean quoted = column.startsWith("\"");
        String name = quoted ? column.substring(1, column.length() - 1) : column.toLowerCase(Locale.ROOT);
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String label = meta.getColumnLabel(i);
            if (quoted ? label.equals(name) : label.toLowerCase(Locale.ROOT).equals(name)) {
                return i;
            }
        }
        return 0;
    }
}
