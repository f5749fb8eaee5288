package io.dataflow.flink.connector.trino;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * Opens trino-jdbc connections as {@value TrinoOptions#USER}. The driver takes a fixed {@code accessToken}
 * per connection, so a refreshed Keycloak token means a new connection: callers ask {@link #stale(Connection)}
 * before each statement and reopen.
 */
public final class TrinoConnections {

    private final String jdbcUrl;
    private final KeycloakTokens tokens;

    public TrinoConnections(String serverUrl, String catalog, String schema, Optional<KeycloakCredentials> keycloak) {
        if (keycloak.isPresent() && !serverUrl.trim().startsWith("https://")) {
            // trino-jdbc (like the Trino server) sends bearer tokens over TLS only
            throw new IllegalArgumentException("serverURL: keycloak authentication needs an https:// Trino URL, got "
                    + serverUrl);
        }
        this.jdbcUrl = jdbcUrl(serverUrl, catalog, schema);
        this.tokens = keycloak.map(KeycloakTokens::new).orElse(null);
    }

    TrinoConnections(String jdbcUrl, KeycloakTokens tokens) {
        this.jdbcUrl = jdbcUrl;
        this.tokens = tokens;
    }

    /** {@code http://host:8080} → {@code jdbc:trino://host:8080/catalog/schema}; https turns SSL on. */
    static String jdbcUrl(String serverUrl, String catalog, String schema) {
        String url = serverUrl.trim();
        boolean ssl = url.startsWith("https://");
        String hostPort = url.replaceFirst("^https?://", "").replaceAll("/+$", "");
        if (hostPort.contains("@")) {
            // never echo the URL here: the part before @ is a credential
            throw new IllegalArgumentException("serverURL: user or password in the URL is not supported (use keycloak)");
        }
        if (hostPort.isEmpty() || hostPort.contains("/") || hostPort.contains("?")) {
            throw new IllegalArgumentException("serverURL: expected http(s)://host:port, got " + serverUrl);
        }
        return "jdbc:trino://" + hostPort + "/" + catalog + "/" + schema + (ssl ? "?SSL=true" : "");
    }

    public Connection open() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", TrinoOptions.USER);
        if (tokens != null) {
            try {
                props.setProperty("accessToken", tokens.current());
            } catch (IOException e) {
                throw new SQLException("Trino authentication: " + e.getMessage(), "28000", e);
            }
        }
        // the driver is called directly: in a job on a Flink cluster, DriverManager does not see the jar's drivers
        Connection c = new io.trino.jdbc.TrinoDriver().connect(jdbcUrl, props);
        if (c == null) {
            throw new SQLException("the Trino driver does not accept the URL " + jdbcUrl);
        }
        return c;
    }

    /** True when the connection is closed or carries a token that is due for refresh. */
    public boolean stale(Connection connection) throws SQLException {
        return connection == null || connection.isClosed() || (tokens != null && tokens.due());
    }

    /** Returns {@code current} when still good, else closes it and opens a new one. */
    public Connection fresh(Connection current) throws SQLException {
        if (!stale(current)) {
            return current;
        }
        closeQuietly(current);
        return open();
    }

    public static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing a dead connection: nothing left to release
        }
    }
}
