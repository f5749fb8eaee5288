package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dataflow.flink.connector.polling.JdbcResultStream;

import java.io.IOException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;

/**
 * One result row as a JSON object of its column values, typed like the original's (pgx → encoding/json):
 * integers and numerics as numbers, booleans, timestamps as RFC 3339 UTC strings (a timestamp without time zone
 * read as UTC, dates as midnight UTC), json/jsonb as JSON, bytea as base64, arrays as JSON arrays, everything else
 * as its text form.
 */
final class PostgresRowJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PostgresRowJson() {
    }

    /**
     * The columns of one result without the column named {@code skip} (the source's own helper column), read from
     * its metadata once: PgJDBC looks a column's type up in its type cache on every metadata call, which a row of
     * N columns paid 3N times (JFR profile of {@code scripts/bench.sh postgres-to-kafka}, docs/BENCHMARKS.md).
     */
    record Columns(ResultSetMetaData meta, int[] indexes, String[] labels, int[] types, String[] typeNames,
                   boolean uniqueLabels) {

        static Columns of(ResultSetMetaData meta, String skip) throws SQLException {
            int count = 0;
            int[] indexes = new int[meta.getColumnCount()];
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                if (!meta.getColumnLabel(i).equals(skip)) {
                    indexes[count++] = i;
                }
            }
            indexes = java.util.Arrays.copyOf(indexes, count);
            String[] labels = new String[count];
            int[] types = new int[count];
            String[] typeNames = new String[count];
            for (int c = 0; c < count; c++) {
                labels[c] = meta.getColumnLabel(indexes[c]);
                types[c] = meta.getColumnType(indexes[c]);
                typeNames[c] = meta.getColumnTypeName(indexes[c]);
            }
            boolean unique = distinct(labels);
            return new Columns(meta, indexes, labels, types, typeNames, unique);
        }

        private static boolean distinct(String[] labels) {
            return new HashSet<>(Arrays.asList(labels)).size() == labels.length;
        }
    }

    /** Reads rows of a {@link JdbcResultStream}, working out the {@link Columns} once per result. */
    static JdbcResultStream.RowReader<PostgresRow> reader(String skip) {
        return new JdbcResultStream.RowReader<>() {
            private Columns columns;

            @Override
            public PostgresRow read(ResultSet rs, ResultSetMetaData meta) throws SQLException {
                if (columns == null || columns.meta() != meta) {
                    columns = Columns.of(meta, skip);
                }
                return PostgresRow.read(rs, columns);
            }
        };
    }

    /** Column {@code i}'s value; {@code sqlType} and {@code typeName} are its metadata's. */
    static JsonNode value(ResultSet rs, int i, int sqlType, String typeName) throws SQLException {
        switch (sqlType) {
            case Types.BIGINT:
            case Types.INTEGER:
            case Types.SMALLINT:
            case Types.TINYINT: {
                long v = rs.getLong(i);
                return rs.wasNull() ? NODES.nullNode() : NODES.numberNode(v);
            }
            case Types.NUMERIC:
            case Types.DECIMAL: {
                java.math.BigDecimal v = rs.getBigDecimal(i);
                return v == null ? NODES.nullNode() : NODES.numberNode(v);
            }
            case Types.REAL:
            case Types.FLOAT:
            case Types.DOUBLE: {
                double v = rs.getDouble(i);
                return rs.wasNull() ? NODES.nullNode() : NODES.numberNode(v);
            }
            case Types.BIT:
            case Types.BOOLEAN: {
                boolean v = rs.getBoolean(i);
                return rs.wasNull() ? NODES.nullNode() : NODES.booleanNode(v);
            }
            case Types.TIMESTAMP_WITH_TIMEZONE: {
                OffsetDateTime v = rs.getObject(i, OffsetDateTime.class);
                return v == null ? NODES.nullNode() : NODES.textNode(v.toInstant().toString());
            }
            case Types.TIMESTAMP: {
                if ("timestamptz".equals(typeName)) {
                    OffsetDateTime v = rs.getObject(i, OffsetDateTime.class);
                    return v == null ? NODES.nullNode() : NODES.textNode(v.toInstant().toString());
                }
                LocalDateTime v = rs.getObject(i, LocalDateTime.class);
                return v == null ? NODES.nullNode() : NODES.textNode(v.toInstant(ZoneOffset.UTC).toString());
            }
            case Types.DATE: {
                LocalDate v = rs.getObject(i, LocalDate.class);
                return v == null ? NODES.nullNode() : NODES.textNode(v.atStartOfDay().toInstant(ZoneOffset.UTC).toString());
            }
            case Types.BINARY:
            case Types.VARBINARY:
            case Types.LONGVARBINARY: {
                byte[] v = rs.getBytes(i);
                return v == null ? NODES.nullNode() : NODES.textNode(Base64.getEncoder().encodeToString(v));
            }
            case Types.ARRAY: {
                Array v = rs.getArray(i);
                if (v == null) {
                    return NODES.nullNode();
                }
                ArrayNode out = NODES.arrayNode();
                for (Object item : (Object[]) v.getArray()) {
                    out.add(item == null ? NODES.nullNode() : JSON.valueToTree(item instanceof Number || item instanceof Boolean ? item : item.toString()));
                }
                return out;
            }
            default: {
                String v = rs.getString(i);
                if (v == null) {
                    return NODES.nullNode();
                }
                if ("json".equals(typeName) || "jsonb".equals(typeName)) {
                    try {
                        return JSON.readTree(v);
                    } catch (IOException e) {
                        return NODES.textNode(v);
                    }
                }
                return NODES.textNode(v);
            }
        }
    }
}
