package io.dataflow.flink.connector.iceberg.nessie;

import io.dataflow.flink.connector.iceberg.IcebergOptions;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ConfigValues;

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
    public static final ConfigField<String> BASIC_USERNAME = ConfigField.string("username")
            .description("Basic authentication user")
            .build();
    public static final ConfigField<String> BASIC_PASSWORD = ConfigField.string("password").secret()
            .description("Basic authentication password")
            .build();
    public static final ConfigField<ConfigValues> BASIC_AUTH = ConfigField.object("basicAuth",
                    BASIC_USERNAME, BASIC_PASSWORD)
            .description("{username, password} for BASIC (each may come from a …SecretRef)")
            .build();

    private static final List<ConfigField<?>> CATALOG = List.of(BASE_URL, BRANCH, IcebergOptions.WAREHOUSE,
            IcebergOptions.NAMESPACE, IcebergOptions.TABLE, AUTHENTICATION_TYPE, BEARER_TOKEN, IcebergOptions.TOKEN, BASIC_AUTH);

    public static final List<ConfigField<?>> SINK = IcebergOptions.sink(CATALOG);

    public static final List<ConfigField<?>> SOURCE = IcebergOptions.source(CATALOG);

    private NessieOptions() {
    }
}
