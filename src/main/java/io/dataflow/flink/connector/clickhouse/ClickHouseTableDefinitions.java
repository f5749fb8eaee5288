package io.dataflow.flink.connector.clickhouse;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.dataflow.flink.connector.clickhouse.ClickHouseSql.quoteIdentifier;

/**
 * The DDL of {@code autoCreateTable} (docs/ORIGINAL.md#clickhouse). Engine: {@code tableEngine} when given, else
 * ReplacingMergeTree with {@code upsertMode}, else MergeTree; ReplacingMergeTree takes
 * {@code replacingVersionColumn} as its version. ORDER BY: {@code conflictKey}, else the first column by name that
 * is not Nullable, else {@code created_at}. Every table has {@code created_at DateTime DEFAULT now()} unless the
 * records bring their own {@code created_at} (a time: {@code DateTime DEFAULT now()}, or on a modern server
 * {@code DateTime64(3) DEFAULT now64(3)}). Where the server has it, {@code SETTINGS
 * non_replicated_deduplication_window} lets the table remember the last inserts' deduplication tokens (see
 * {@link ClickHouseServerFeatures}); a window of 0 leaves the clause out (18.16 would refuse it).
 */
public final class ClickHouseTableDefinitions {

    public static final String CREATED_AT = "created_at";

    private ClickHouseTableDefinitions() {
    }

    /** The engine clause without ORDER BY: {@code MergeTree} or {@code ReplacingMergeTree(`v`)}. */
    static String engine(ClickHouseSinkSettings settings) {
        String engine = settings.tableEngine() != null ? settings.tableEngine()
                : settings.upsertMode() ? ClickHouseOptions.REPLACING_MERGE_TREE : ClickHouseOptions.MERGE_TREE;
        if (engine.equals(ClickHouseOptions.REPLACING_MERGE_TREE)) {
            String version = settings.replacingVersionColumn();
            return engine + "(" + (version == null ? "" : quoteIdentifier(version)) + ")";
        }
        return engine;
    }

    /**
     * The columnar table for inferred columns (name → type, in order).
     *
     * @param deduplicationWindow inserts the table remembers for deduplication; 0: no SETTINGS clause
     * @throws IllegalArgumentException when conflictKey or replacingVersionColumn is not one of the columns
     */
    public static String columnar(ClickHouseTableName table, Map<String, String> inferred, ClickHouseSinkSettings settings,
                                  int deduplicationWindow) {
        Map<String, String> columns = new LinkedHashMap<>(inferred);
        String createdAt = columns.get(CREATED_AT);
        if (createdAt == null || createdAt.equals("DateTime") || createdAt.equals("Nullable(DateTime)")) {
            columns.put(CREATED_AT, "DateTime DEFAULT now()");
        } else if (createdAt.equals("DateTime64(3)") || createdAt.equals("Nullable(DateTime64(3))")) {
            columns.put(CREATED_AT, "DateTime64(3) DEFAULT now64(3)"); // the modern inference's times
        }
        String key = settings.conflictKey();
        if (key != null && !columns.containsKey(key)) {
            throw new IllegalArgumentException("conflictKey " + key + " is not a field of the first records; cannot order the new table by it");
        }
        String version = settings.replacingVersionColumn();
        if (version != null && engine(settings).startsWith(ClickHouseOptions.REPLACING_MERGE_TREE) && !columns.containsKey(version)) {
            throw new IllegalArgumentException("replacingVersionColumn " + version + " is not a field of the first records");
        }
        if (key == null) {
            key = columns.entrySet().stream().filter(e -> !e.getValue().startsWith("Nullable(")).map(Map.Entry::getKey)
                    .findFirst().orElse(CREATED_AT);
        }
        StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table.qualified()).append(" (");
        boolean first = true;
        for (Map.Entry<String, String> c : columns.entrySet()) {
            sql.append(first ? "" : ", ").append(quoteIdentifier(c.getKey())).append(' ').append(c.getValue());
            first = false;
        }
        return sql.append(") ENGINE = ").append(engine(settings)).append(" ORDER BY ").append(quoteIdentifier(key))
                .append(settingsClause(deduplicationWindow)).toString();
    }

    /**
     * The raw table: {@code data String, created_at DateTime DEFAULT now()}, always a MergeTree ordered by
     * {@code created_at} — a ReplacingMergeTree keyed by the arrival second would merge different records away.
     */
    public static String raw(ClickHouseTableName table, int deduplicationWindow) {
        return "CREATE TABLE IF NOT EXISTS " + table.qualified() + " (`data` String, `created_at` DateTime DEFAULT now()) "
                + "ENGINE = MergeTree ORDER BY `created_at`" + settingsClause(deduplicationWindow);
    }

    /** Both engines the sink creates are plain MergeTree engines, which deduplicate only with this window. */
    private static String settingsClause(int deduplicationWindow) {
        return deduplicationWindow > 0 ? " SETTINGS non_replicated_deduplication_window = " + deduplicationWindow : "";
    }
}
