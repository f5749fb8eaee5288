package io.dataflow.flink.connector.trino;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.connector.SchemaEvolution;
import io.dataflow.flink.connector.polling.PollingOptions;

import java.util.ArrayList;
import java.util.List;

/** The {@code config} fields of {@code type: trino}, with the newest original defaults (docs/ORIGINAL.md#trino). */
public final class TrinoOptions {

    /** Every request runs as this user, as in the original. */
    public static final String USER = "dataflow-operator";

    public static final ConfigField<String> KEYCLOAK_SERVER_URL = ConfigField.string("serverURL").required()
            .description("Keycloak base URL; tokens come from {serverURL}/realms/{realm}/protocol/openid-connect/token")
            .build();
    public static final ConfigField<String> KEYCLOAK_REALM = ConfigField.string("realm").required()
            .description("Keycloak realm")
            .build();
    public static final ConfigField<String> KEYCLOAK_TOKEN = ConfigField.string("token").secret()
            .description("Static bearer token, used as is and never refreshed")
            .build();
    public static final ConfigField<String> KEYCLOAK_USERNAME = ConfigField.string("username")
            .description("Password grant user (with password); refreshed at 80% of expires_in, at least 1 minute, always 1 s before expiry")
            .build();
    public static final ConfigField<String> KEYCLOAK_PASSWORD = ConfigField.string("password").secret()
            .description("Password grant password (with username)")
            .build();
    public static final ConfigField<String> KEYCLOAK_CLIENT_ID = ConfigField.string("clientID")
            .defaultValue("admin-cli")
            .description("OAuth2 client id of the password and client-credentials grants")
            .build();
    public static final ConfigField<String> KEYCLOAK_CLIENT_SECRET = ConfigField.string("clientSecret").secret()
            .description("Client secret; alone (without username) it selects the client-credentials grant, re-fetched every 5 minutes or sooner for shorter tokens")
            .build();

    public static final ConfigField<ConfigValues> KEYCLOAK = ConfigField.object("keycloak", KEYCLOAK_SERVER_URL,
                    KEYCLOAK_REALM, KEYCLOAK_TOKEN, KEYCLOAK_USERNAME, KEYCLOAK_PASSWORD, KEYCLOAK_CLIENT_ID,
                    KEYCLOAK_CLIENT_SECRET)
            .description("Bearer-token authentication through Keycloak: token | username+password | clientSecret")
            .build();

    public static final ConfigField<String> SERVER_URL = ConfigField.string("serverURL").required()
            .description("Trino coordinator, http(s)://host:port")
            .build();
    public static final ConfigField<String> CATALOG = ConfigField.string("catalog").required()
            .description("Trino catalog of the table")
            .build();
    public static final ConfigField<String> SCHEMA = ConfigField.string("schema").required()
            .description("Trino schema of the table")
            .build();
    public static final ConfigField<String> TABLE = ConfigField.string("table")
            .description("Table name inside catalog.schema")
            .build();

    public static final List<ConfigField<?>> CONNECTION = List.of(SERVER_URL, CATALOG, SCHEMA, TABLE, KEYCLOAK);

    // ---- polling source ----

    public static final ConfigField<String> QUERY = PollingOptions.query("Custom SELECT instead of table; incremental "
            + "only when changeTrackingColumn is set explicitly, else run as written every cycle");
    public static final ConfigField<String> CHANGE_TRACKING_COLUMN = PollingOptions.changeTrackingColumn("updated_at",
            PollingOptions.READ_BY_ORDER_COLUMN_WITHOUT_IT);

    public static final List<ConfigField<?>> SOURCE = with(CONNECTION, QUERY, PollingOptions.POLL_INTERVAL,
            PollingOptions.READ_BATCH_SIZE, CHANGE_TRACKING_COLUMN, PollingOptions.ORDER_BY_COLUMN, PollingOptions.BOUNDED,
            PollingOptions.SAFETY_LAG);

    // ---- sink ----

    /** {@code batchSize: 0} means "flush on the timer only"; a batch still never grows beyond this. */
    public static final int MAX_BATCH_SIZE = 10_000;

    public static final ConfigField<Integer> BATCH_SIZE = ConfigField.integer("batchSize").defaultValue(10).min(0)
            .description("Records per INSERT/MERGE; 0 = flush on the timer (and on checkpoints) only, at most "
                    + MAX_BATCH_SIZE + " records per batch")
            .build();
    public static final ConfigField<Integer> BATCH_FLUSH_INTERVAL_SECONDS = ConfigField.integer("batchFlushIntervalSeconds")
            .defaultValue(10).min(0)
            .description("Flush a partial batch after this many seconds; 0 disables the timer (checkpoints still flush)")
            .build();
    public static final ConfigField<Integer> QUERY_TIMEOUT_SECONDS = ConfigField.integer("queryTimeoutSeconds")
            .defaultValue(600).min(1)
            .description("Bounds one statement of a batch (the server cancels it after this); a timed-out statement is "
                    + "retried like a transient error")
            .build();
    public static final ConfigField<Boolean> AUTO_CREATE_TABLE = ConfigField.bool("autoCreateTable").defaultValue(false)
            .description("With rawMode: create the table when missing (data, _metadata VARCHAR; or data + one VARCHAR "
                    + "column per metadata key with flattenMetadataColumns), stored as ORC where the catalog has a "
                    + "format property. Columnar tables must exist")
            .build();
    public static final ConfigField<Boolean> UPSERT_MODE = ConfigField.bool("upsertMode").defaultValue(false)
            .description("Upsert with MERGE on conflictKey (update the matching row, insert the others): the writers "
                    + "hand each key's last row to the sink's one committer, which MERGEs once per completed checkpoint, "
                    + "so several writers never conflict; needs checkpointing and a catalog with MERGE support, such as Iceberg")
            .build();
    public static final ConfigField<String> CONFLICT_KEY = ConfigField.string("conflictKey")
            .description("Column the MERGE matches rows on; required with upsertMode")
            .build();
    public static final ConfigField<Boolean> RAW_MODE = ConfigField.bool("rawMode").defaultValue(false)
            .description("Store each record as JSON text in data (or value) plus its metadata in _metadata, when the "
                    + "table has those columns; {\"value\", \"_metadata\"} bodies are unwrapped")
            .build();
    public static final ConfigField<Boolean> FLATTEN_METADATA_COLUMNS = ConfigField.bool("flattenMetadataColumns")
            .defaultValue(false)
            .description("With rawMode: each metadata key in its own VARCHAR column <prefix><key> instead of _metadata")
            .build();
    public static final ConfigField<String> FLATTEN_METADATA_COLUMNS_PREFIX = ConfigField.string("flattenMetadataColumnsPrefix")
            .defaultValue("")
            .description("Prefix of the flattened metadata columns")
            .build();

    public static final List<ConfigField<?>> SINK = with(CONNECTION, BATCH_SIZE, BATCH_FLUSH_INTERVAL_SECONDS,
            QUERY_TIMEOUT_SECONDS, AUTO_CREATE_TABLE, UPSERT_MODE, CONFLICT_KEY, RAW_MODE, FLATTEN_METADATA_COLUMNS,
            FLATTEN_METADATA_COLUMNS_PREFIX, SchemaEvolution.OPTION);

    private static List<ConfigField<?>> with(List<ConfigField<?>> base, ConfigField<?>... more) {
        List<ConfigField<?>> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }

    private TrinoOptions() {
    }
}
