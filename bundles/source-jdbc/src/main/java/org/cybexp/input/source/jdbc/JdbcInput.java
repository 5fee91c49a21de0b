package org.cybexp.input.source.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.cybexp.input.api.Event;
import org.cybexp.input.api.FetchContext;
import org.cybexp.input.api.PersistentState;
import org.cybexp.input.api.SourceException;
import org.cybexp.input.api.SourceInput;

/**
 * One configured database input. A poll streams the rows after the cursor ({@code fetch_size} per round trip)
 * in keyset order, emits each new row, and every {@code fetch_size} rows stages the last row's (tracking, id) as
 * the cursor and checkpoints: the rows are on disk before the cursor moves, so a crash resumes after the last
 * stored row and re-reads at most one batch. Only rows that a later poll may read again (in the lookback window,
 * see {@link ReadPlan#poll}) carry a dedup key, since the core keeps every key in memory. The connection stays
 * open between polls, is validated before each, and is re-opened after any failure; the core's backoff paces the
 * retries.
 */
final class JdbcInput implements SourceInput {

    static final String TRACKING = "cursor.tracking";
    static final String ID = "cursor.id";
    static final String OF = "cursor.of";
    private static final int VALIDATION_SECONDS = 5;

    private final DriverFinder drivers;
    private final ConnectionSecrets secrets;
    private final ReadPlan plan;
    private final int fetchSize;
    private final int rowsPerRecord;
    private Connection connection;
    private ReadPlan.Shape shape;

    JdbcInput(DriverFinder drivers, ConnectionSecrets secrets, ReadPlan plan, int fetchSize, int rowsPerRecord) {
        this.drivers = drivers;
        this.secrets = secrets;
        this.plan = plan;
        this.fetchSize = fetchSize;
        this.rowsPerRecord = rowsPerRecord;
    }

    @Override
    public void fetch(FetchContext ctx) throws SourceException {
        try {
            Connection db = connection(ctx);
            ctx.closeOnStop(() -> {
                if (ctx.stopNow()) {
                    close(); // an immediate stop: a blocked read returns
                }
            });
            try {
                poll(ctx, db);
            } finally {
                db.rollback(); // ends the read-only transaction: no snapshot is held between polls
            }
        } catch (SQLException e) {
            close();
            throw new SourceException(describe(e));
        }
    }

    private void poll(FetchContext ctx, Connection db) throws SQLException, SourceException {
        PersistentState state = ctx.state();
        boolean ours = state.get(OF).map(plan.fingerprint()::equals).orElse(false);
        Optional<TrackedValue> tracking = ours ? TrackedValue.parse(state.get(TRACKING).orElse(null),
                shape.trackingKind()) : Optional.empty();
        Optional<TrackedValue> id = ours && shape.hasId() ? TrackedValue.parse(state.get(ID).orElse(null),
                shape.idKind()) : Optional.empty();
        ReadPlan.Poll poll = plan.poll(shape, tracking, id, ctx.clock().instant());
        try (PreparedStatement statement = db.prepareStatement(poll.sql(), ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            statement.setFetchSize(fetchSize);
            poll.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                read(ctx, rows, poll);
            }
        }
    }

    private void read(FetchContext ctx, ResultSet rows, ReadPlan.Poll poll) throws SQLException, SourceException {
        RowJson json = RowJson.of(rows.getMetaData(), plan.zone());
        Batch batch = new Batch(ctx);
        long read = 0;
        while (rows.next()) {
            TrackedValue tracking = TrackedValue.read(rows, shape.tracking(), shape.trackingKind()).orElseThrow();
            TrackedValue id = shape.hasId() ? TrackedValue.read(rows, shape.id(), shape.idKind()).orElse(null) : null;
            if (shape.hasId() && id == null) {
                ctx.malformed("a row with a NULL id_column at " + tracking.text() + " (skipped: no cursor position)",
                        new byte[0]);
                continue;
            }
            // only a row a later poll may read again needs a key: the core keeps every key in memory
            String key = poll.needsKey(tracking) ? plan.source().keyPrefix() + ":" + (id == null ? "" : id.text())
                    + ":" + tracking.text() : null;
            batch.add(key, json.write(rows));
            batch.last(tracking, id);
            read++;
            if (read % fetchSize == 0) {
                batch.finish();
                ctx.progress(read + " rows read; cursor at " + tracking.text());
                if (ctx.stopRequested()) {
                    return;
                }
            }
        }
        batch.finish();
        ctx.progress(read + " rows read" + batch.where());
    }

    /** The rows read since the last checkpoint, grouped into records of {@code rows_per_record} rows. */
    private final class Batch {
        private final FetchContext ctx;
        private final List<String> keys = new ArrayList<>();
        private final StringBuilder lines = new StringBuilder();
        private int grouped;
        private TrackedValue lastTracking;
        private TrackedValue lastId;

        Batch(FetchContext ctx) {
            this.ctx = ctx;
        }

        /** @param key the row's dedup key, null if no later poll reads it again */
        void add(String key, String row) {
            if (rowsPerRecord == 1) {
                Event event = Event.ofText(row, "application/json");
                ctx.emit(key == null ? event : event.withDedupKey(key));
                return;
            }
            if (key != null) {
                if (ctx.seen(key)) {
                    return; // read again in the lookback: not in a new group with new rows
                }
                keys.add(key);
            }
            lines.append(row).append('\n');
            if (++grouped == rowsPerRecord) {
                flush();
            }
        }

        void last(TrackedValue tracking, TrackedValue id) {
            lastTracking = tracking;
            lastId = id;
        }

        /** Stores the rows read so far, then moves the cursor to the last of them. */
        private void commit(TrackedValue tracking, TrackedValue id) {
            flush();
            PersistentState state = ctx.state();
            state.put(OF, plan.fingerprint());
            state.put(TRACKING, tracking.stored());
            if (id != null) {
                state.put(ID, id.stored());
            }
            ctx.checkpoint();
            lastTracking = null;
        }

        /** Commits the rows since the last commit, if any. */
        void finish() {
            if (lastTracking != null) {
                commit(lastTracking, lastId);
            }
        }

        String where() {
            return ctx.state().get(TRACKING).map(t -> "; cursor at " + t.substring(t.indexOf(':') + 1)).orElse("");
        }

        private void flush() {
            if (grouped > 0) {
                Event event = Event.ofText(lines.toString(), "application/x-ndjson");
                ctx.emit(keys.isEmpty() ? event : event.withDedupKeys(keys));
                keys.clear();
                lines.setLength(0);
                grouped = 0;
            }
        }
    }

    /** The open connection, validated; a new one (and its columns checked) if there is none or it is dead. */
    private synchronized Connection connection(FetchContext ctx) throws SQLException, SourceException {
        if (connection != null && !connection.isValid(VALIDATION_SECONDS)) {
            close();
        }
        if (connection == null) {
            ctx.progress("connecting to " + secrets.shownUrl());
            Optional<Path> missing = JdbcPlugin.missingSqliteFile(secrets.url());
            if (missing.isPresent()) { // checked at each connect: the sensor may create its file later
                throw new SourceException("the SQLite file " + missing.get() + " does not exist (the driver would "
                        + "create an empty database there); check url");
            }
            Driver driver = drivers.driverFor(secrets.url(), secrets.shownUrl());
            Connection opened = driver.connect(secrets.url(), secrets.properties());
            if (opened == null) {
                throw new SourceException("the driver " + driver.getClass().getName() + " refused "
                        + secrets.shownUrl());
            }
            try {
                opened.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
                readOnly(opened);
                shape = checkColumns(opened);
            } catch (SQLException | SourceException | RuntimeException e) {
                opened.close();
                throw e;
            }
            connection = opened;
        }
        return connection;
    }

    /** A hint: SQLite refuses it on an open connection, and the plugin only reads anyway. */
    private static void readOnly(Connection db) {
        try {
            db.setReadOnly(true);
        } catch (SQLException e) {
            // the hint is optional
        }
    }

    private ReadPlan.Shape checkColumns(Connection db) throws SQLException, SourceException {
        try (PreparedStatement probe = db.prepareStatement(plan.probeSql()); ResultSet none = probe.executeQuery()) {
            return plan.shape(none.getMetaData());
        } finally {
            db.rollback();
        }
    }

    private String describe(SQLException e) {
        StringBuilder text = new StringBuilder(secrets.shownUrl()).append(": ");
        text.append(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        if (e.getSQLState() != null) {
            text.append(" (SQLState ").append(e.getSQLState()).append(')');
        }
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !String.valueOf(e.getMessage()).contains(cause.getMessage())) {
            text.append(", caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return secrets.mask(text.toString());
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing a broken connection: nothing more to release
            }
            connection = null;
        }
    }
}
