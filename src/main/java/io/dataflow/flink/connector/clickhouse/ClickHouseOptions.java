package io.dataflow.flink.connector.clickhouse;

import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.connector.SchemaEvolution;
import io.dataflow.flink.connector.polling.PollingOptions;

import java.util.List;

/** The {@code config} fields of {@code type: clickhouse}, with the newest original defaults (docs/ORIGINAL.md#clickhouse). */
public final class ClickHouseOptions {

    public static final String MERGE_TREE = "MergeTree";
    public static final String REPLACING_MERGE_TREE = "ReplacingMergeTree";

    /** {@code batchSize: 0} means "flush on the timer only"; a batch still never grows beyond this. */
    public static final int MAX_BATCH_SIZE = 10_000;

    public static final ConfigField<String> CONNECTION_STRING = ConfigField.string("connectionString").required().secret()
            .description("clickhouse://user:pass@host:9000/db?settings, tcp://host:9000?username=…&database=…, or "
                    + "http(s)://host:8123/db; talks HTTP (native port 9000 → 8123, 9440 → 8443, http_port=N overrides)")
            .build();
    public static final ConfigField<String> USER = ConfigField.string("user")
            .description("User, instead of the one in connectionString (default: default)")
            .build();
    public static final ConfigField<String> PASSWORD = ConfigField.string("password").secret()
            .description("Password, instead of the one in connectionString (use passwordSecretRef)")
            .build();
    public static final ConfigField<Boolean> COMPRESSION = ConfigField.bool("compression").defaultValue(false)
            .description("Compress requests and responses (LZ4). Off by default: ClickHouse before 19.x answers "
                    + "compressed requests with empty bodies (the connector then refuses to start and says so); "
                    + "turn it on for modern servers")
            .build();
    public static final ConfigField<String> TABLE = ConfigField.string("table").required()
            .description("Target table, table or database.table (default: the connection string's database)")
            .build();
    public static final ConfigField<Integer> BATCH_SIZE = ConfigField.integer("batchSize").defaultValue(500).min(0)
            .description("Records per INSERT; 0 = flush on the timer (and on checkpoints) only, at most "
                    + MAX_BATCH_SIZE + " records per batch")
            .build();
    public static final ConfigField<Integer> BATCH_FLUSH_INTERVAL_SECONDS = ConfigField.integer("batchFlushIntervalSeconds")
            .defaultValue(10).min(0)
            .description("Flush a partial batch after this many seconds; 0 disables the timer (checkpoints still flush)")
            .build();
    public static final ConfigField<Boolean> AUTO_CREATE_TABLE = ConfigField.bool("autoCreateTable").defaultValue(false)
            .description("Create the table when missing: raw layout at connect, columnar layout from the first batch "
                    + "(types inferred, see docs/CLICKHOUSE.md)")
            .build();
    public static final ConfigField<Boolean> UPSERT_MODE = ConfigField.bool("upsertMode").defaultValue(false)
            .description("Auto-created tables use ReplacingMergeTree (duplicates of a key are merged away in the "
                    + "background; read with FINAL for the newest version)")
            .build();
    public static final ConfigField<String> CONFLICT_KEY = ConfigField.string("conflictKey")
            .description("ORDER BY column of an auto-created table (the key ReplacingMergeTree deduplicates on); "
                    + "default: the first column by name")
            .build();
    public static final ConfigField<String> TABLE_ENGINE = ConfigField.enumOf("tableEngine", MERGE_TREE, REPLACING_MERGE_TREE)
            .description("Engine of an auto-created table; default ReplacingMergeTree with upsertMode, else MergeTree")
            .build();
    public static final ConfigField<String> REPLACING_VERSION_COLUMN = ConfigField.string("replacingVersionColumn")
            .description("Version column of ReplacingMergeTree: the row with the highest version survives merges")
            .build();
    public static final ConfigField<Boolean> RAW_MODE = ConfigField.bool("rawMode").defaultValue(false)
            .description("Store each record's body as is in data String, plus created_at (table: data String, "
                    + "created_at DateTime DEFAULT now())")
            .build();
    public static final ConfigField<Boolean> FLATTEN_METADATA_COLUMNS = ConfigField.bool("flattenMetadataColumns")
            .defaultValue(false)
            .description("Not supported by the ClickHouse sink (the original's newest sink stores raw bodies without "
                    + "metadata); true is a validation error")
            .build();
    public static final ConfigField<String> FLATTEN_METADATA_COLUMNS_PREFIX = ConfigField.string("flattenMetadataColumnsPrefix")
            .defaultValue("")
            .description("Accepted for compatibility; unused (see flattenMetadataColumns)")
            .build();

    public static final List<ConfigField<?>> SINK = List.of(CONNECTION_STRING, USER, PASSWORD, COMPRESSION, TABLE,
            BATCH_SIZE, BATCH_FLUSH_INTERVAL_SECONDS, AUTO_CREATE_TABLE, UPSERT_MODE, CONFLICT_KEY, TABLE_ENGINE,
            REPLACING_VERSION_COLUMN, RAW_MODE, FLATTEN_METADATA_COLUMNS, FLATTEN_METADATA_COLUMNS_PREFIX,
            SchemaEvolution.OPTION);

    // ---- polling source ----

    public static final ConfigField<String> SOURCE_TABLE = ConfigField.string("table")
            .description("Table to read, table or database.table; required unless query is set")
            .build();
    public static final ConfigField<String> QUERY = PollingOptions.query("Custom SELECT (without FORMAT) instead of "
            + "table; incremental only when changeTrackingColumn is set explicitly, else run as written every cycle");
    public static final ConfigField<String> CHANGE_TRACKING_COLUMN = PollingOptions.changeTrackingColumn("created_at",
            PollingOptions.READ_BY_ORDER_COLUMN_WITHOUT_IT);

    public static final List<ConfigField<?>> SOURCE = List.of(CONNECTION_STRING, USER, PASSWORD, COMPRESSION, SOURCE_TABLE,
            QUERY, PollingOptions.POLL_INTERVAL, PollingOptions.READ_BATCH_SIZE, CHANGE_TRACKING_COLUMN,
            PollingOptions.ORDER_BY_COLUMN, PollingOptions.BOUNDED, PollingOptions.SAFETY_LAG);

    private ClickHouseOptions() {
    }
}
