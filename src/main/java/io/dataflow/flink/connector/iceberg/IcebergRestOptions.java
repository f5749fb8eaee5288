package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;

import java.util.List;

/** The {@code iceberg} (REST catalog) connector's {@code config} fields (docs/ORIGINAL.md#iceberg). */
public final class IcebergRestOptions {

    public static final ConfigField<String> CATALOG_URI = ConfigField.string("catalogURI").required()
            .description("Iceberg REST catalog base URL (scheme and host; the client adds /v1/…), e.g. https://catalog.example.net")
            .build();
    public static final ConfigField<String> PREFIX = ConfigField.string("prefix")
            .description("Path prefix of a multi-tenant catalog (/v1/{prefix}/namespaces…), unless the catalog's config sets it")
            .build();
    public static final ConfigField<String> WAREHOUSE = ConfigField.string("warehouse")
            .description("Warehouse name (or location) the catalog knows; sent as GET /v1/config?warehouse=…")
            .build();
    public static final ConfigField<String> BEARER_TOKEN = ConfigField.string("bearerToken").secret()
            .description("Static bearer token")
            .build();
    public static final ConfigField<String> OAUTH2_CLIENT_ID = ConfigField.string("oauth2ClientID")
            .description("OAuth2 client-credentials client id (with oauth2ClientSecret)")
            .build();
    public static final ConfigField<String> OAUTH2_CLIENT_SECRET = ConfigField.string("oauth2ClientSecret").secret()
            .description("OAuth2 client secret")
            .build();
    public static final ConfigField<String> OAUTH2_SCOPE = ConfigField.string("oauth2Scope").defaultValue("catalog")
            .description("OAuth2 scope requested with the client credentials")
            .build();
    public static final ConfigField<String> OAUTH2_SERVER_URI = ConfigField.string("oauth2ServerURI")
            .description("OAuth2 token endpoint; default: the catalog's own {catalogURI}/v1/oauth/tokens")
            .build();
    public static final ConfigField<String> BASIC_USERNAME = ConfigField.string("username")
            .description("Basic authentication user")
            .build();
    public static final ConfigField<String> BASIC_PASSWORD = ConfigField.string("password").secret()
            .description("Basic authentication password")
            .build();
    public static final ConfigField<ConfigValues> BASIC_AUTH = ConfigField.object("basicAuth", BASIC_USERNAME, BASIC_PASSWORD)
            .description("{username, password} for HTTP basic authentication (each may come from a …SecretRef)")
            .build();

    private static final List<ConfigField<?>> CATALOG = List.of(CATALOG_URI, PREFIX, WAREHOUSE, IcebergOptions.NAMESPACE,
            IcebergOptions.TABLE, BEARER_TOKEN, IcebergOptions.TOKEN, OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET, OAUTH2_SCOPE, OAUTH2_SERVER_URI,
            BASIC_AUTH);

    public static final List<ConfigField<?>> SINK = IcebergOptions.sink(CATALOG);

    public static final List<ConfigField<?>> SOURCE = IcebergOptions.source(CATALOG);

    private IcebergRestOptions() {
    }
}
