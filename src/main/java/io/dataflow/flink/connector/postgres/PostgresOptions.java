package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.connector.polling.PollingOptions;
import io.dataflow.flink.connector.SchemaEvolution;

import java.util.List;

/** The PostgreSQL sink's {@code config} fields, with the newest original defaults (docs/ORIGINAL.md#postgresql). */
public final class PostgresOptions {

    public static final String STRATEGY_ALWAYS = "always";
    public static final String STRATEGY_IF_NEWER = "ifNewer";
    public static final String DUPLICATE_KEY_SKIP = "skip";
    public static final String DUPLICATE_KEY_REFUSE = "refuse";

    /** {@code batchSize: 0} means "flush on the timer only"; a batch still never grows beyond this. */
    public static final int MAX_BATCH_SIZE = 10_000;

    public static final ConfigField<String> CONNECTION_STRING = ConfigField.string("connectionString").required().secret()
            .description("postgres://user:pass@host:5432/db?sslmode=…, libpq key=value pairs, or a jdbc:postgresql:// URL")
            .build();
    public static final ConfigField<String> TABLE = ConfigField.string("table").required()
            .description("Target table, table or schema.table (default schema public); quoted parts allowed")
            .build();
    public static final ConfigField<Integer> BATCH_SIZE = ConfigField.integer("batchSize").defaultValue(100).min(0)
            .description("Records per batch; 0 = flush on the timer (and on checkpoints) only, at most "
                    + MAX_BATCH_SIZE + " records per batch")
            .build();
    public static final ConfigField<Integer> BATCH_FLUSH_INTERVAL_SECONDS = ConfigField.integer("batchFlushIntervalSeconds")
            .defaultValue(10).min(0)
            .description("Flush a partial batch after this many seconds; 0 disables the timer (checkpoints still flush)")
            .build();
    public static final ConfigField<Boolean> AUTO_CREATE_TABLE = ConfigField.bool("autoCreateTable").defaultValue(false)
            .description("Create the table when missing: raw layout at connect, columnar layout from the first record")
            .build();
    public static final ConfigField<Boolean> UPSERT_MODE = ConfigField.bool("upsertMode").defaultValue(false)
            .description("INSERT … ON CONFLICT (conflictKey) DO UPDATE instead of plain inserts (COPY)")
            .build();
    public static final ConfigField<String> ON_DUPLICATE_KEY = ConfigField.enumOf("onDuplicateKey", DUPLICATE_KEY_SKIP,
                    DUPLICATE_KEY_REFUSE)
            .defaultValue(DUPLICATE_KEY_SKIP)
            .description("Plain inserts (no upsertMode) into a table with a primary key or unique index: skip: a row "
                    + "whose key is already stored is skipped (ON CONFLICT DO NOTHING, as the original; counted in "
                    + "duplicateKeysSkipped), so a replay after a failure stores nothing twice; refuse: it is a refused "
                    + "record (error sink)")
            .build();
    public static final ConfigField<String> CONFLICT_KEY = ConfigField.string("conflictKey").defaultValue("id")
            .description("Column of the unique key used by upserts and soft deletes")
            .build();
    public static final ConfigField<String> UPSERT_STRATEGY = ConfigField.enumOf("upsertStrategy", STRATEGY_ALWAYS, STRATEGY_IF_NEWER)
            .defaultValue(STRATEGY_ALWAYS)
            .description("always: every upsert updates; ifNewer: only when EXCLUDED.<upsertVersionColumn> is greater")
            .build();
    public static final ConfigField<String> UPSERT_VERSION_COLUMN = ConfigField.string("upsertVersionColumn")
            .description("Version column compared by upsertStrategy ifNewer (required with it)")
            .build();
    public static final ConfigField<String> SOFT_DELETE_COLUMN = ConfigField.string("softDeleteColumn")
            .description("On metadata operation=delete, set this column to now() on the row with the record's key "
                    + "instead of inserting")
            .build();
    public static final ConfigField<Boolean> RAW_MODE = ConfigField.bool("rawMode").defaultValue(false)
            .description("Store the whole body in data JSONB and the metadata in _metadata JSONB; bodies shaped "
                    + "{\"value\":…, \"_metadata\":…} are stored as their parts. Only this option does: without it "
                    + "a data column is filled from the body's data field like any other column")
            .build();
    public static final ConfigField<Boolean> FLATTEN_METADATA_COLUMNS = ConfigField.bool("flattenMetadataColumns")
            .defaultValue(false)
            .description("Raw mode: one column per metadata key instead of _metadata (requires rawMode)")
            .build();
    public static final ConfigField<String> FLATTEN_METADATA_COLUMNS_PREFIX = ConfigField.string("flattenMetadataColumnsPrefix")
            .defaultValue("")
            .description("Prefix of the flattened metadata column names, e.g. kafka_")
            .build();

    public static final List<ConfigField<?>> SINK = List.of(CONNECTION_STRING, TABLE, BATCH_SIZE,
            BATCH_FLUSH_INTERVAL_SECONDS, AUTO_CREATE_TABLE, UPSERT_MODE, ON_DUPLICATE_KEY, CONFLICT_KEY, UPSERT_STRATEGY,
            UPSERT_VERSION_COLUMN, SOFT_DELETE_COLUMN, RAW_MODE, FLATTEN_METADATA_COLUMNS, FLATTEN_METADATA_COLUMNS_PREFIX,
            SchemaEvolution.OPTION);

    // ---- polling source (docs/ORIGINAL.md#postgresql); the fields all polling sources share are in PollingOptions ----

    public static final ConfigField<String> SOURCE_TABLE = ConfigField.string("table")
            .description("Table to read, table or schema.table (default schema public); required unless query is set")
            .build();
    public static final ConfigField<String> QUERY = PollingOptions.query("Custom SELECT read instead of table (a table "
            + "set next to it only names the metadata table, as in the original); incremental only when "
            + "changeTrackingColumn is set explicitly");
    public static final ConfigField<Integer> READ_BATCH_SIZE =
            PollingOptions.readBatchSize(" (the original read the whole cycle in one query)");
    public static final ConfigField<String> CHANGE_TRACKING_COLUMN = PollingOptions.changeTrackingColumn("updated_at",
            "the default updated_at reads COALESCE(updated_at, created_at) when the table has both");
    public static final ConfigField<Boolean> SOURCE_AUTO_CREATE_TABLE = ConfigField.bool("autoCreateTable").defaultValue(false)
            .description("Create the table (id SERIAL PRIMARY KEY, created_at, updated_at) at connect when missing")
            .build();
    public static final ConfigField<Boolean> WAIT_FOR_OPEN_TRANSACTIONS = ConfigField.bool("waitForOpenTransactions")
            .defaultValue(true)
            .description("Read a row only once every transaction that was open when it became visible has ended, so a "
                    + "transaction that commits late (a row stamped now() at its start, a sequence value it took early) "
                    + "never lands behind the cursor; a long-open transaction delays new rows meanwhile. false: read up "
                    + "to the newest committed row (the original's behaviour; late commits can be skipped)")
            .build();

    public static final List<ConfigField<?>> SOURCE = List.of(CONNECTION_STRING, SOURCE_TABLE, QUERY,
            PollingOptions.POLL_INTERVAL, READ_BATCH_SIZE, CHANGE_TRACKING_COLUMN, PollingOptions.ORDER_BY_COLUMN,
            SOURCE_AUTO_CREATE_TABLE, PollingOptions.BOUNDED, WAIT_FOR_OPEN_TRANSACTIONS);

    private PostgresOptions() {
    }
}
