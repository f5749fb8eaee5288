package io.dataflow.flink.connector.postgres.cdc;

import io.dataflow.flink.connector.postgres.PostgresOptions;
import io.dataflow.flink.config.ConfigField;

import java.util.List;

/** The options of {@code type: postgresql-cdc} (docs/ORIGINAL.md#postgresql-cdc), with the original's defaults. */
public final class PostgresCdcOptions {

    public static final String SNAPSHOT_INITIAL = "initial";
    public static final String SNAPSHOT_NEVER = "never";
    public static final String SNAPSHOT_ALWAYS = "always";
    public static final String ON_MISSING_SLOT_FAIL = "fail";
    public static final String ON_MISSING_SLOT_RESNAPSHOT = "resnapshot";
    public static final String ENVELOPE_ROW = "row";
    public static final String ENVELOPE_DEBEZIUM = "debezium";

    public static final ConfigField<String> CONNECTION_STRING = PostgresOptions.CONNECTION_STRING;
    public static final ConfigField<String> SLOT_NAME = ConfigField.string("slotName").required()
            .description("Logical replication slot (lower-case letters, digits, underscores; at most 63)")
            .build();
    public static final ConfigField<String> PUBLICATION_NAME = ConfigField.string("publicationName").required()
            .description("Publication the slot streams (pgoutput publication_names)")
            .build();
    public static final ConfigField<List<String>> TABLES = ConfigField.stringList("tables").required()
            .description("Tables to capture, schema.table (default schema public); at least one")
            .build();
    public static final ConfigField<String> SNAPSHOT_MODE = ConfigField.enumOf("snapshotMode",
                    SNAPSHOT_INITIAL, SNAPSHOT_NEVER, SNAPSHOT_ALWAYS)
            .defaultValue(SNAPSHOT_INITIAL)
            .description("initial: read the tables once before streaming (until a checkpoint holds it as done); "
                    + "always: at every start, restarts from checkpoints included; never: stream only")
            .build();
    public static final ConfigField<Boolean> CREATE_SLOT_IF_NOT_EXISTS = ConfigField.bool("createSlotIfNotExists")
            .defaultValue(true)
            .description("Create the replication slot at start when missing (a missing slot is an error otherwise)")
            .build();
    public static final ConfigField<String> ON_MISSING_SLOT = ConfigField.enumOf("onMissingSlot",
                    ON_MISSING_SLOT_FAIL, ON_MISSING_SLOT_RESNAPSHOT)
            .defaultValue(ON_MISSING_SLOT_FAIL)
            .description("A restore from a checkpoint whose slot is gone (dropped, or lost with the server): the changes "
                    + "since the checkpoint are gone with it. fail: the job fails naming the slot; resnapshot: create "
                    + "the slot and read the tables again before streaming (records of unchanged rows repeat)")
            .build();
    public static final ConfigField<Boolean> CREATE_PUBLICATION_IF_NOT_EXISTS = ConfigField.bool("createPublicationIfNotExists")
            .defaultValue(true)
            .description("Create the publication FOR TABLE <tables> at start when missing")
            .build();
    public static final ConfigField<String> PLUGIN = ConfigField.enumOf("plugin", "pgoutput").defaultValue("pgoutput")
            .description("Logical decoding plugin; only pgoutput (built into PostgreSQL 10+)")
            .build();
    public static final ConfigField<Integer> HEARTBEAT_INTERVAL_SECONDS = ConfigField.integer("heartbeatIntervalSeconds")
            .defaultValue(10).min(0)
            .description("Seconds between standby status updates to the server (the slot's confirmed position); "
                    + "0 = only when the server asks")
            .build();
    public static final ConfigField<String> PRIMARY_KEY_COLUMN = ConfigField.string("primaryKeyColumn").defaultValue("id")
            .description("Column whose value becomes the record's metadata id")
            .build();
    public static final ConfigField<List<String>> INCLUDE_COLUMNS = ConfigField.stringList("includeColumns")
            .description("Only these columns in the records (case-insensitive); empty = all")
            .build();
    public static final ConfigField<List<String>> EXCLUDE_COLUMNS = ConfigField.stringList("excludeColumns")
            .description("Columns left out of the records (case-insensitive), applied after includeColumns")
            .build();
    public static final ConfigField<String> ENVELOPE_FORMAT = ConfigField.enumOf("envelopeFormat", ENVELOPE_ROW, ENVELOPE_DEBEZIUM)
            .defaultValue(ENVELOPE_ROW)
            .description("row: the row itself (the old row for deletes); debezium: "
                    + "{\"payload\": {\"before\", \"after\", \"op\", \"source\", \"ts_ms\"}}")
            .build();
    public static final ConfigField<Integer> MAX_TRANSACTION_BUFFER = ConfigField.integer("maxTransactionBuffer")
            .defaultValue(10_000).min(1)
            .description("Changes of one transaction held back until its COMMIT; a larger transaction is emitted in parts "
                    + "before its COMMIT (its position still advances only at COMMIT)")
            .build();

    public static final List<ConfigField<?>> SOURCE = List.of(CONNECTION_STRING, SLOT_NAME, PUBLICATION_NAME, TABLES,
            SNAPSHOT_MODE, CREATE_SLOT_IF_NOT_EXISTS, ON_MISSING_SLOT, CREATE_PUBLICATION_IF_NOT_EXISTS, PLUGIN, HEARTBEAT_INTERVAL_SECONDS,
            PRIMARY_KEY_COLUMN, INCLUDE_COLUMNS, EXCLUDE_COLUMNS, ENVELOPE_FORMAT, MAX_TRANSACTION_BUFFER);

    private PostgresCdcOptions() {
    }
}
