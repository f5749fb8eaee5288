package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.connector.SchemaEvolution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code config} fields the Iceberg connector's catalog types share ({@code nessie}, {@code iceberg}): table
 * address, sink layout and source modes, and the sink's and source's lists around a catalog type's own fields (docs/ORIGINAL.md#nessie/docs/ORIGINAL.md#iceberg). Catalog addressing and authentication live with
 * each catalog type.
 */
public final class IcebergOptions {

    public static final ConfigField<String> WAREHOUSE = ConfigField.string("warehouse")
            .description("Warehouse for new tables: a location, s3://bucket/path (with s3Region and the access keys) or "
                    + "file:///dir for a local directory (tests), or the name of a warehouse configured in Nessie's "
                    + "Iceberg catalog (as in the original: warehouse: warehouse), resolved to its location through "
                    + "{baseURL}/iceberg; existing tables keep their own location")
            .build();
    public static final ConfigField<String> NAMESPACE = ConfigField.string("namespace").required()
            .description("Iceberg namespace; dots separate levels (analytics.daily)")
            .build();
    public static final ConfigField<String> TABLE = ConfigField.string("table").required()
            .description("Iceberg table name inside the namespace")
            .build();

    // ---- S3 storage of data and metadata files (both roles; the original had them on the sink only) ----

    public static final ConfigField<String> S3_ENDPOINT = ConfigField.string("s3Endpoint")
            .description("S3 endpoint URL of an S3-compatible store (MinIO, Ceph, …; path-style requests); "
                    + "default: AWS S3 of s3Region")
            .build();
    public static final ConfigField<String> S3_REGION = ConfigField.string("s3Region")
            .description("S3 region the requests are signed for (required with S3; any name an S3-compatible store "
                    + "accepts, e.g. us-east-1)")
            .build();
    /** The bearer token of the catalogs that take one (nessie, iceberg REST), as tokenSecretRef sets it. */
    public static final ConfigField<String> TOKEN = ConfigField.string("token").secret()
            .description("Bearer token as set by tokenSecretRef; wins over bearerToken")
            .build();
    public static final ConfigField<String> ACCESS_KEY = ConfigField.string("accessKey").secret()
            .description("S3 access key id, usually from accessKeySecretRef; without both keys the AWS SDK's default credential chain "
                    + "applies (environment, web identity, profile, instance metadata)")
            .build();
    public static final ConfigField<String> SECRET_ACCESS_KEY = ConfigField.string("secretAccessKey").secret()
            .description("S3 secret access key, usually from secretAccessKeySecretRef (set with accessKey, or neither)")
            .build();

    /** The S3 fields, in manifest order. */
    public static final List<ConfigField<?>> S3 = List.of(S3_ENDPOINT, S3_REGION, ACCESS_KEY, SECRET_ACCESS_KEY);

    // ---- sink ----

    public static final ConfigField<Integer> BATCH_SIZE = ConfigField.integer("batchSize").defaultValue(10_000).min(0)
            .description("Rows per Parquet data file at most (a file also ends at every checkpoint); 0 = no limit. "
                    + "Commits happen once per completed checkpoint, not per batch as in the original")
            .build();
    public static final ConfigField<Integer> BATCH_FLUSH_INTERVAL_SECONDS = ConfigField.integer("batchFlushIntervalSeconds")
            .defaultValue(10).min(0)
            .description("Accepted for compatibility; the checkpoint interval decides when rows become visible")
            .build();
    public static final ConfigField<Boolean> AUTO_CREATE_TABLE = ConfigField.bool("autoCreateTable").defaultValue(false)
            .description("Create a missing table: data string (raw mode: data + _metadata strings; flattened: data + one "
                    + "column per metadata key of the first record)")
            .build();
    public static final ConfigField<Boolean> RAW_MODE = ConfigField.bool("rawMode").defaultValue(false)
            .description("Store the body in data and the metadata as JSON in _metadata; bodies shaped "
                    + "{\"value\":…, \"_metadata\":…} are stored as their parts")
            .build();
    public static final ConfigField<Boolean> FLATTEN_METADATA_COLUMNS = ConfigField.bool("flattenMetadataColumns")
            .defaultValue(false)
            .description("Raw mode: one column per metadata key instead of _metadata (requires rawMode)")
            .build();
    public static final ConfigField<String> FLATTEN_METADATA_COLUMNS_PREFIX = ConfigField.string("flattenMetadataColumnsPrefix")
            .defaultValue("")
            .description("Prefix of the flattened metadata column names, e.g. kafka_")
            .build();

    /**
     * The shared {@link SchemaEvolution#OPTION} (same name, values and default, read by {@link SchemaEvolution#from})
     * with what it means for an Iceberg schema.
     */
    public static final ConfigField<String> SCHEMA_EVOLUTION = ConfigField.enumOf(SchemaEvolution.OPTION.name(),
                    SchemaEvolution.OPTION.enumValues().toArray(String[]::new))
            .defaultValue(SchemaEvolution.OPTION.defaultValue())
            .description("Columnar tables: a record field the table has no column for, or a number wider than its "
                    + "column: ignore: the field is left out (as the original); evolve: the Iceberg schema gets the "
                    + "column (optional, typed as autoCreateTable types columns: boolean, int, long, double, else "
                    + "string) or the column is promoted (int → long, float → double, decimal precision up; never "
                    + "narrower); rows written before read it as null; fail: the record goes to the error sink, the "
                    + "reason naming the field")
            .build();

    // ---- source ----

    public static final ConfigField<Duration> POLL_INTERVAL = ConfigField.duration("pollInterval")
            .defaultValue(Duration.ofSeconds(10))
            .description("Pause between polls of the table's current snapshot (Go duration or seconds)")
            .build();
    public static final ConfigField<Boolean> INCREMENTAL_BY_SNAPSHOT = ConfigField.bool("incrementalBySnapshot")
            .defaultValue(false)
            .description("Read only rows appended by snapshots after the last one read (kept in Flink state); false: "
                    + "re-read the whole current snapshot every poll")
            .build();
    public static final ConfigField<String> START_SNAPSHOT_ID = ConfigField.string("startSnapshotID")
            .description("Incremental: start after this snapshot (unsigned integer) when no state exists; default: read "
                    + "the current snapshot in full, then follow new ones")
            .build();
    public static final ConfigField<Boolean> SNAPSHOT_CHECKPOINTS = ConfigField.bool("snapshotCheckpoints").defaultValue(true)
            .description("Accepted for compatibility; the position always lives in Flink checkpoints")
            .build();
    public static final ConfigField<Integer> MAX_ROWS_PER_POLL = ConfigField.integer("maxRowsPerPoll").defaultValue(0).min(0)
            .description("Rows emitted per poll at most (the rest of the snapshot follows in the next polls); 0 = 10000")
            .build();
    public static final ConfigField<Long> MAX_BYTES_PER_POLL = ConfigField.longValue("maxBytesPerPoll").defaultValue(0L).min(0)
            .description("Payload bytes emitted per poll at most (at least one row); 0 = no limit")
            .build();
    public static final ConfigField<String> QUERY = ConfigField.string("query")
            .description("Ignored, as by the original (no filter is applied); rejected together with incrementalBySnapshot")
            .build();
    public static final ConfigField<Boolean> BOUNDED = ConfigField.bool("bounded").defaultValue(false)
            .description("Finish once the snapshot current at start has been read; false: keep polling")
            .build();

    /** The sink's fields after a catalog type's own ({@code catalog}: address, table, authentication). */
    public static List<ConfigField<?>> sink(List<ConfigField<?>> catalog) {
        return concat(catalog, List.of(BATCH_SIZE, BATCH_FLUSH_INTERVAL_SECONDS, AUTO_CREATE_TABLE, RAW_MODE,
                FLATTEN_METADATA_COLUMNS, FLATTEN_METADATA_COLUMNS_PREFIX, SCHEMA_EVOLUTION), S3);
    }

    /** The source's fields after a catalog type's own. */
    public static List<ConfigField<?>> source(List<ConfigField<?>> catalog) {
        return concat(catalog, List.of(POLL_INTERVAL, INCREMENTAL_BY_SNAPSHOT, START_SNAPSHOT_ID, SNAPSHOT_CHECKPOINTS,
                MAX_ROWS_PER_POLL, MAX_BYTES_PER_POLL, QUERY, BOUNDED), S3);
    }

    @SafeVarargs
    private static List<ConfigField<?>> concat(List<ConfigField<?>>... parts) {
        List<ConfigField<?>> all = new ArrayList<>();
        for (List<ConfigField<?>> part : parts) {
            all.addAll(part);
        }
        return List.copyOf(all);
    }

    private IcebergOptions() {
    }
}
