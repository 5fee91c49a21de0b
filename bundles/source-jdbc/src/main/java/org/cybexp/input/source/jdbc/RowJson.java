package org.cybexp.input.source.jdbc;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Base64;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A row as one JSON object, keyed by column label. Timestamps are ISO-8601 in UTC (a timestamp without time zone
 * is read in the input's {@code timezone}), numbers that a double would round are strings, binary is base64,
 * json columns are nested as JSON, arrays are arrays, NULL is null.
 */
final class RowJson {

    /** Integers beyond 2^53 lose digits in a double, which is what most JSON readers parse numbers into. */
    private static final long EXACT_DOUBLE_LIMIT = 1L << 53;
    /** A double holds every decimal of up to 15 significant digits exactly. */
    private static final int EXACT_DOUBLE_DIGITS = 15;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    /** How a column is read; the rest by the Java type of its value (SQLite's values have no fixed type). */
    private enum Reading { INSTANT, LOCAL, DATE, BINARY, JSON, ARRAY, OBJECT }

    private final String[] labels;
    private final Reading[] readings;
    private final ZoneId zone;

    private RowJson(String[] labels, Reading[] readings, ZoneId zone) {
        this.labels = labels;
        this.readings = readings;
        this.zone = zone;
    }

    static RowJson of(ResultSetMetaData meta, ZoneId zone) throws SQLException {
        int count = meta.getColumnCount();
        String[] labels = new String[count];
        Reading[] readings = new Reading[count];
        for (int i = 1; i <= count; i++) {
            labels[i - 1] = meta.getColumnLabel(i);
            readings[i - 1] = reading(meta, i);
        }
        return new RowJson(labels, readings, zone);
    }

    private static Reading reading(ResultSetMetaData meta, int column) throws SQLException {
        String name = String.valueOf(meta.getColumnTypeName(column)).toLowerCase(Locale.ROOT);
        if (name.equals("json") || name.equals("jsonb")) {
            return Reading.JSON;
        }
        return switch (TrackedValue.Kind.of(meta, column)) {
            case INSTANT -> Reading.INSTANT;
            case LOCAL -> Reading.LOCAL;
            case DATE -> Reading.DATE;
            default -> switch (meta.getColumnType(column)) {
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Reading.BINARY;
                case Types.ARRAY -> Reading.ARRAY;
                default -> Reading.OBJECT;
            };
        };
    }

    /** The current row as JSON text. */
    String write(ResultSet row) throws SQLException {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            for (int i = 0; i < labels.length; i++) {
                json.writeFieldName(labels[i]);
                writeColumn(json, row, i + 1, readings[i]);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private void writeColumn(JsonGenerator json, ResultSet row, int column, Reading reading)
            throws SQLException, IOException {
        switch (reading) {
            case INSTANT -> {
                OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
                writeText(json, value == null ? null : value.toInstant().toString());
            }
            case LOCAL -> {
                LocalDateTime value = row.getObject(column, LocalDateTime.class);
                writeText(json, value == null ? null : value.atZone(zone).toInstant().toString());
            }
            case DATE -> {
                LocalDate value = row.getObject(column, LocalDate.class);
                writeText(json, value == null ? null : value.toString());
            }
            case BINARY -> {
                byte[] value = row.getBytes(column);
                writeText(json, value == null ? null : Base64.getEncoder().encodeToString(value));
            }
            case JSON -> writeJson(json, row.getString(column));
            case ARRAY -> {
                Array value = row.getArray(column);
                if (value == null) {
                    json.writeNull();
                } else {
                    writeValue(json, value.getArray());
                    value.free();
                }
            }
            case OBJECT -> writeValue(json, row.getObject(column));
        }
    }

    private static void writeText(JsonGenerator json, String text) throws IOException {
        if (text == null) {
            json.writeNull();
        } else {
            json.writeString(text);
        }
    }

    private static void writeJson(JsonGenerator json, String text) throws IOException {
        if (text == null) {
            json.writeNull();
            return;
        }
        try {
            json.writeTree(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            json.writeString(text); // not JSON after all: keep the text
        }
    }

    /** A value by its Java type: what drivers return from getObject and inside arrays. */
    private void writeValue(JsonGenerator json, Object value) throws IOException, SQLException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            json.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long l) {
            writeLong(json, l);
        } else if (value instanceof BigInteger big) {
            writeDecimal(json, new BigDecimal(big));
        } else if (value instanceof BigDecimal decimal) {
            writeDecimal(json, decimal);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                json.writeNumber(d);
            } else {
                json.writeString(Double.toString(d)); // NaN and Infinity are no JSON numbers
            }
        } else if (value instanceof byte[] bytes) {
            json.writeString(Base64.getEncoder().encodeToString(bytes));
        } else if (value instanceof Timestamp timestamp) {
            json.writeString(timestamp.toLocalDateTime().atZone(zone).toInstant().toString());
        } else if (value instanceof OffsetDateTime time) {
            json.writeString(time.toInstant().toString());
        } else if (value instanceof LocalDateTime time) {
            json.writeString(time.atZone(zone).toInstant().toString());
        } else if (value instanceof Object[] array) {
            json.writeStartArray();
            for (Object element : array) {
                writeValue(json, element);
            }
            json.writeEndArray();
        } else if (value.getClass().isArray()) {
            writeValue(json, boxed(value));
        } else if (value instanceof Clob clob) {
            json.writeString(clob.getSubString(1, (int) Math.min(Integer.MAX_VALUE, clob.length())));
        } else if (value instanceof Blob blob) {
            json.writeString(Base64.getEncoder().encodeToString(blob.getBytes(1, (int) blob.length())));
        } else if (value instanceof Array array) {
            writeValue(json, array.getArray());
        } else {
            json.writeString(value.toString()); // uuid, inet, interval, time, PGobject: their SQL text
        }
    }

    private static void writeLong(JsonGenerator json, long value) throws IOException {
        if (Math.abs(value) <= EXACT_DOUBLE_LIMIT) {
            json.writeNumber(value);
        } else {
            json.writeString(Long.toString(value));
        }
    }

    private static void writeDecimal(JsonGenerator json, BigDecimal value) throws IOException {
        if (value.precision() <= EXACT_DOUBLE_DIGITS && value.scale() > -EXACT_DOUBLE_DIGITS) {
            json.writeNumber(value.toPlainString());
        } else {
            json.writeString(value.toPlainString());
        }
    }

    private static Object[] boxed(Object primitiveArray) {
        int length = java.lang.reflect.Array.getLength(primitiveArray);
        Object[] out = new Object[length];
        for (int i = 0; i < length; i++) {
            out[i] = java.lang.reflect.Array.get(primitiveArray, i);
        }
        return out;
    }
}
