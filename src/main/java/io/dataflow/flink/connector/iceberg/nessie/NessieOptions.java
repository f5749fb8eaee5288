package io.dataflow.flink.connector.iceberg.nessie;

import io.dataflow.flink.connector.iceberg.IcebergOptions;
import io.dataflow.flink.config.ConfigField;

import java.util.List;

/** The {@code nessie} connector's {@code config} fields (docs/ORIGINAL.md#nessie): catalog address and authentication. */
public final class NessieOptions {

    public static final String AUTH_AUTO = "AUTO";
    public static final String AUTH_BEARER = "BEARER";
    public static final String AUTH_BASIC = "BASIC";
    public static final String AUTH_NONE = "NONE";

    public static final ConfigField<String> BASE_URL = ConfigField.string("baseURL").required()
            .description("Nessie server, e.g. http://nessie:19120 (the client talks to {baseURL}/api/v2)")
            .build();
    public static final ConfigField<String> BRANCH = ConfigField.string("branch").defaultValue("main")
            .description("Nessie branch to read from or commit to; it must exist")
            .build();
    public static final ConfigField<String> AUTHENTICATION_TYPE = ConfigField.enumOf("authenticationType",
                    AUTH_AUTO, AUTH_BEARER, AUTH_BASIC, AUTH_NONE)
            .defaultValue(AUTH_AUTO)
            .description("AUTO: bearer when a token is set, else basic when username and password are, else none")
            .build();
    public static final ConfigField<String> BEARER_TOKEN = ConfigField.string("bearerToken").secret()
            .description("Bearer token (BEARER / AUTO)")
            .build();
    public static final ConfigField<String> TOKEN = ConfigField.string("token").secret()
            .description("Bearer token as set by tokenSecretRef; wins over bearerToken")
            .build();
    public static final ConfigField<String> BASIC_USERNAME = ConfigField.string("username")
            .description("Basic authentication user")
            .build();
    public static final ConfigField<String> BASIC_PASSWORD = ConfigField.string("password").secret()
            .description("Basic authentication password")
            .build();
    public static final ConfigField<io.dataflow.flink.config.ConfigValues> BASIC_AUTH = ConfigField.object("basicAuth",
                    BASIC_USERNAME, BASIC_PASSWORD)
            .description("{username, password} for BASIC (each may come from a …SecretRef)")
            .build();

    private static final List<ConfigField<?>> CATALOG = List.of(BASE_URL, BRANCH, IcebergOptions.WAREHOUSE,
            IcebergOptions.NAMESPACE, IcebergOptions.TABLE, AUTHENTICATION_TYPE, BEARER_TOKEN, TOKEN, BASIC_AUTH);

    public static final List<ConfigField<?>> SINK = concat(CATALOG, List.of(IcebergOptions.BATCH_SIZE,
            IcebergOptions.BATCH_FLUSH_INTERVAL_SECONDS, IcebergOptions.AUTO_CREATE_TABLE, IcebergOptions.RAW_MODE,
            IcebergOptions.FLATTEN_METADATA_COLUMNS, IcebergOptions.FLATTEN_METADATA_COLUMNS_PREFIX,
            IcebergOptions.S3_ENDPOINT, IcebergOptions.S3_REGION, IcebergOptions.ACCESS_KEY, IcebergOptions.SECRET_ACCESS_KEY));

    public static final List<ConfigField<?>> SOURCE = concat(CATALOG, List.of(IcebergOptions.POLL_INTERVAL,
            IcebergOptions.INCREMENTAL_BY_SNAPSHOT, IcebergOptions.START_SNAPSHOT_ID, IcebergOptions.SNAPSHOT_CHECKPOINTS,
            IcebergOptions.MAX_ROWS_PER_POLL, IcebergOptions.MAX_BYTES_PER_POLL, IcebergOptions.QUERY,
            IcebergOptions.BOUNDED, IcebergOptions.S3_ENDPOINT, IcebergOptions.S3_REGION, IcebergOptions.ACCESS_KEY,
            IcebergOptions.SECRET_ACCESS_KEY));

    private static List<ConfigField<?>> concat(List<ConfigField<?>> a, List<ConfigField<?>> b) {
        List<ConfigField<?>> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    private NessieOptions() {
    }
}
