package io.dataflow.flink.connector.trino;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrinoConnectionsTest {

    @Test
    void serverUrlBecomesAJdbcUrlWithCatalogAndSchema() {
        assertThat(TrinoConnections.jdbcUrl("http://trino:8080/", "memory", "default"))
                .isEqualTo("jdbc:trino://trino:8080/memory/default");
        assertThat(TrinoConnections.jdbcUrl("https://trino.example:443", "iceberg", "s"))
                .isEqualTo("jdbc:trino://trino.example:443/iceberg/s?SSL=true");
    }

    @Test
    void serverUrlWithAPathIsRejectedNamingTheField() {
        assertThatThrownBy(() -> TrinoConnections.jdbcUrl("http://trino:8080/v1", "memory", "default"))
                .hasMessageStartingWith("serverURL:");
    }

    @Test
    void keycloakOverPlainHttpIsRejectedBecauseTheDriverSendsTokensOverTlsOnly() {
        KeycloakCredentials token = new KeycloakCredentials(KeycloakCredentials.Grant.STATIC_TOKEN,
                KeycloakCredentials.tokenEndpoint("https://kc", "r"), "t0ken", null, null, "admin-cli", null);
        assertThatThrownBy(() -> new TrinoConnections("http://trino:8080", "memory", "default", Optional.of(token)))
                .hasMessageContaining("serverURL").hasMessageNotContaining("t0ken");
        assertThat(token.toString()).doesNotContain("t0ken");
    }

    @Test
    void tokenEndpointFollowsKeycloakLayout() {
        assertThat(KeycloakCredentials.tokenEndpoint("https://kc.example/", "data"))
                .isEqualTo("https://kc.example/realms/data/protocol/openid-connect/token");
    }
}
