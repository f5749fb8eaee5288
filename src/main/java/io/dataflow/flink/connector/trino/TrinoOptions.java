package io.dataflow.flink.connector.trino;

import io.dataflow.flink.manifest.Config;
import io.dataflow.flink.manifest.ConfigOption;

import java.util.List;

/** The Trino connector's connection fields, shared by source and sink (reference §4.5). */
public final class TrinoOptions {

    /** Every request runs as this user, as in the original. */
    public static final String USER = "dataflow-operator";

    public static final ConfigOption<String> KEYCLOAK_SERVER_URL = ConfigOption.string("serverURL").required()
            .description("Keycloak base URL; tokens come from {serverURL}/realms/{realm}/protocol/openid-connect/token")
            .build();
    public static final ConfigOption<String> KEYCLOAK_REALM = ConfigOption.string("realm").required()
            .description("Keycloak realm")
            .build();
    public static final ConfigOption<String> KEYCLOAK_TOKEN = ConfigOption.string("token").secret()
            .description("Static bearer token, used as is and never refreshed")
            .build();
    public static final ConfigOption<String> KEYCLOAK_USERNAME = ConfigOption.string("username")
            .description("Password grant user (with password); refreshed at 80% of expires_in, at least 1 minute")
            .build();
    public static final ConfigOption<String> KEYCLOAK_PASSWORD = ConfigOption.string("password").secret()
            .description("Password grant password (with username)")
            .build();
    public static final ConfigOption<String> KEYCLOAK_CLIENT_ID = ConfigOption.string("clientID")
            .defaultValue("admin-cli")
            .description("OAuth2 client id of the password and client-credentials grants")
            .build();
    public static final ConfigOption<String> KEYCLOAK_CLIENT_SECRET = ConfigOption.string("clientSecret").secret()
            .description("Client secret; alone (without username) it selects the client-credentials grant")
            .build();

    public static final ConfigOption<Config> KEYCLOAK = ConfigOption.object("keycloak", KEYCLOAK_SERVER_URL,
                    KEYCLOAK_REALM, KEYCLOAK_TOKEN, KEYCLOAK_USERNAME, KEYCLOAK_PASSWORD, KEYCLOAK_CLIENT_ID,
                    KEYCLOAK_CLIENT_SECRET)
            .description("Bearer-token authentication through Keycloak: token | username+password | clientSecret")
            .build();

    public static final ConfigOption<String> SERVER_URL = ConfigOption.string("serverURL").required()
            .description("Trino coordinator, http(s)://host:port")
            .build();
    public static final ConfigOption<String> CATALOG = ConfigOption.string("catalog").required()
            .description("Trino catalog of the table")
            .build();
    public static final ConfigOption<String> SCHEMA = ConfigOption.string("schema").required()
            .description("Trino schema of the table")
            .build();
    public static final ConfigOption<String> TABLE = ConfigOption.string("table")
            .description("Table name inside catalog.schema")
            .build();

    public static final List<ConfigOption<?>> CONNECTION = List.of(SERVER_URL, CATALOG, SCHEMA, TABLE, KEYCLOAK);

    private TrinoOptions() {
    }
}
