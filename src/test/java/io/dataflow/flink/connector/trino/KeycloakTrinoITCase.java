package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.testing.Keycloak;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.TlsTrinoProxy;
import io.dataflow.flink.testing.Trino;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keycloak flows against the real Trino with a real Keycloak (scripts/servers/keycloak-start.sh, realm
 * {@code dataflow}): tokens are issued and refreshed by Keycloak, and a loopback HTTPS proxy in front of Trino
 * ({@link TlsTrinoProxy}) records the Authorization header of every Trino request. Trino itself runs without
 * authentication (plain HTTP), so the proxy is where the bearer token is observed; it speaks TLS because trino-jdbc
 * sends access tokens over TLS only. A refresh is told from a new login by Keycloak's session id ({@code sid}): a
 * refreshed access token keeps the session of the first one.
 */
@RealServers({Server.TRINO, Server.KEYCLOAK})
class KeycloakTrinoITCase {

    private TlsTrinoProxy proxy;
    private List<String> authorizations;

    @BeforeEach
    void startProxy(@TempDir Path dir) throws Exception {
        proxy = new TlsTrinoProxy(Trino.serverUrl(), dir);
        authorizations = proxy.authorizations();
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    @Test
    void passwordGrantTokenIsSentAndRefreshedWithTheRefreshToken() throws Exception {
        KeycloakCredentials credentials = new KeycloakCredentials(KeycloakCredentials.Grant.PASSWORD,
                KeycloakCredentials.tokenEndpoint(Keycloak.serverUrl(), Keycloak.REALM),
                null, Keycloak.USER, Keycloak.PASSWORD, Keycloak.SHORT_LIVED_CLIENT, Keycloak.CLIENT_SECRET);
        // the client's tokens live 2 s → due after 1.6 s; the 1-minute floor is lowered so the test sees a refresh
        KeycloakTokens tokens = new KeycloakTokens(credentials, Clock.systemUTC(), Duration.ofMillis(100));
        TrinoConnections connections = new TrinoConnections(proxyJdbcUrl(), tokens);

        Connection first = connections.open();
        assertThat(selectOne(first)).isEqualTo(1);
        assertThat(authorizations).isNotEmpty().allMatch(a -> a.startsWith("Bearer ")).containsOnly(authorizations.get(0));
        JsonNode login = Keycloak.claims(authorizations.get(0).substring("Bearer ".length()));
        assertThat(login.get("preferred_username").asText()).isEqualTo(Keycloak.USER);
        assertThat(login.get("azp").asText()).isEqualTo(Keycloak.SHORT_LIVED_CLIENT);

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!connections.stale(first)) {
            assertThat(System.nanoTime()).as("the 2-second token becomes due").isLessThan(deadline);
            Thread.sleep(100);
        }
        String firstAuthorization = authorizations.get(0);
        authorizations.clear();
        Connection second = connections.fresh(first);
        assertThat(second).isNotSameAs(first);
        assertThat(first.isClosed()).isTrue();
        assertThat(selectOne(second)).isEqualTo(1);
        assertThat(authorizations).isNotEmpty().allMatch(a -> a.startsWith("Bearer ")).containsOnly(authorizations.get(0))
                .doesNotContain(firstAuthorization);
        JsonNode refreshed = Keycloak.claims(authorizations.get(0).substring("Bearer ".length()));
        assertThat(refreshed.get("preferred_username").asText()).isEqualTo(Keycloak.USER);
        assertThat(refreshed.get("sid").asText()).as("the same Keycloak session: refreshed, not a new login")
                .isEqualTo(login.get("sid").asText());
        assertThat(refreshed.get("exp").asLong()).isGreaterThan(login.get("exp").asLong());
        second.close();
    }

    @Test
    void clientCredentialsGrantTokenIsSent() throws Exception {
        KeycloakCredentials credentials = new KeycloakCredentials(KeycloakCredentials.Grant.CLIENT_CREDENTIALS,
                KeycloakCredentials.tokenEndpoint(Keycloak.serverUrl(), Keycloak.REALM),
                null, null, null, Keycloak.CLIENT, Keycloak.CLIENT_SECRET);
        TrinoConnections connections = new TrinoConnections(proxyJdbcUrl(), new KeycloakTokens(credentials));
        try (Connection c = connections.open()) {
            assertThat(selectOne(c)).isEqualTo(1);
        }
        assertThat(authorizations).isNotEmpty().allMatch(a -> a.startsWith("Bearer ")).containsOnly(authorizations.get(0));
        JsonNode claims = Keycloak.claims(authorizations.get(0).substring("Bearer ".length()));
        assertThat(claims.get("azp").asText()).isEqualTo(Keycloak.CLIENT);
        assertThat(claims.get("preferred_username").asText()).as("Keycloak's service account of the client")
                .isEqualTo("service-account-" + Keycloak.CLIENT);
        assertThat(claims.get("iss").asText()).isEqualTo(Keycloak.serverUrl() + "/realms/" + Keycloak.REALM);
    }

    private String proxyJdbcUrl() {
        return TrinoConnections.jdbcUrl(proxy.serverUrl(), "memory", "default")
                + "&SSLVerification=NONE";
    }

    private static int selectOne(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
