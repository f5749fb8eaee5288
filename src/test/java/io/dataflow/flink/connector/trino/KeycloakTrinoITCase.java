package io.dataflow.flink.connector.trino;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.testing.Keycloak;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.Trino;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keycloak flows against the real Trino's HTTPS port, where Trino itself checks the bearer token (JWT
 * authentication, scripts/servers/trino-start.sh: signature with the realm's signing key, issuer, audience, expiry),
 * with a real Keycloak (scripts/servers/keycloak-start.sh, realm {@code dataflow}) issuing and refreshing the tokens.
 * Trino's self-signed certificate is trusted through trino-jdbc's {@code SSLTrustStorePath} (a PEM file) with full
 * hostname verification. A refresh is told from a new login by Keycloak's session id ({@code sid}): a refreshed
 * access token keeps the session of the first one. The refusals prove that Trino checks the tokens, so that the
 * accepted queries are accepted because of them.
 */
@RealServers({Server.TRINO, Server.KEYCLOAK})
class KeycloakTrinoITCase {

    @Test
    void passwordGrantTokenIsRefreshedWithTheRefreshTokenAndTheExpiredOneIsRefused() throws Exception {
        KeycloakCredentials credentials = new KeycloakCredentials(KeycloakCredentials.Grant.PASSWORD,
                KeycloakCredentials.tokenEndpoint(Keycloak.serverUrl(), Keycloak.REALM),
                null, Keycloak.USER, Keycloak.PASSWORD, Keycloak.SHORT_LIVED_CLIENT, Keycloak.CLIENT_SECRET);
        // the client's tokens live 2 s (Keycloak counts from the issue second) → due 1 s after the request, before
        // Trino can refuse them; the 1-minute floor is lowered so the test sees a refresh
        KeycloakTokens tokens = new KeycloakTokens(credentials, Clock.systemUTC(), Duration.ofMillis(100));
        TrinoConnections connections = new TrinoConnections(httpsJdbcUrl(), tokens);

        Connection first = connections.open();
        assertThat(selectOne(first)).isEqualTo(1);
        JsonNode login = Keycloak.claims(tokens.current());
        assertThat(login.get("preferred_username").asText()).isEqualTo(Keycloak.USER);
        assertThat(login.get("azp").asText()).isEqualTo(Keycloak.SHORT_LIVED_CLIENT);

        // the first connection keeps its token: once that has expired, Trino refuses the connection's next query
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        SQLException refused = null;
        while (refused == null) {
            assertThat(System.nanoTime()).as("Trino refuses the expired 2-second token").isLessThan(deadline);
            try {
                selectOne(first);
                Thread.sleep(100);
            } catch (SQLException e) {
                refused = e;
            }
        }
        assertThat(Instant.now().getEpochSecond()).as("refused only after the token's expiry")
                .isGreaterThanOrEqualTo(login.get("exp").asLong());
        assertThat((Throwable) refused).hasMessageContaining("Authentication failed: JWT expired");

        assertThat(connections.stale(first)).as("the token is due").isTrue();
        Connection second = connections.fresh(first);
        assertThat(second).isNotSameAs(first);
        assertThat(first.isClosed()).isTrue();
        assertThat(selectOne(second)).isEqualTo(1);
        JsonNode refreshed = Keycloak.claims(tokens.current());
        assertThat(refreshed.get("preferred_username").asText()).isEqualTo(Keycloak.USER);
        assertThat(refreshed.get("sid").asText()).as("the same Keycloak session: refreshed, not a new login")
                .isEqualTo(login.get("sid").asText());
        assertThat(refreshed.get("exp").asLong()).isGreaterThan(login.get("exp").asLong());
        second.close();
    }

    @Test
    void clientCredentialsGrantTokenIsAcceptedByTrino() throws Exception {
        KeycloakTokens tokens = new KeycloakTokens(clientCredentials());
        TrinoConnections connections = new TrinoConnections(httpsJdbcUrl(), tokens);
        try (Connection c = connections.open()) {
            assertThat(selectOne(c)).isEqualTo(1);
        }
        JsonNode claims = Keycloak.claims(tokens.current());
        assertThat(claims.get("azp").asText()).isEqualTo(Keycloak.CLIENT);
        assertThat(claims.get("preferred_username").asText()).as("Keycloak's service account of the client")
                .isEqualTo("service-account-" + Keycloak.CLIENT);
        assertThat(claims.get("iss").asText()).isEqualTo(Keycloak.serverUrl() + "/realms/" + Keycloak.REALM);
    }

    @Test
    void trinoRefusesAQueryWithoutToken() throws Exception {
        TrinoConnections connections = new TrinoConnections(httpsJdbcUrl(), null);
        assertThatThrownBy(() -> {
            try (Connection c = connections.open()) {
                selectOne(c);
            }
        }).isInstanceOf(SQLException.class).hasMessageContaining("Unauthorized");
    }

    @Test
    void trinoRefusesATokenWhoseSignatureDoesNotMatch() throws Exception {
        String[] jwt = new KeycloakTokens(clientCredentials()).current().split("\\.");
        // the same claims, but the user changed: the signature Keycloak made no longer matches the payload
        String claims = new String(Base64.getUrlDecoder().decode(jwt[1]))
                .replace("service-account-" + Keycloak.CLIENT, "service-account-intruder");
        String forged = jwt[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes()) + "." + jwt[2];
        KeycloakCredentials staticToken = new KeycloakCredentials(KeycloakCredentials.Grant.STATIC_TOKEN, null, forged,
                null, null, null, null);
        TrinoConnections connections = new TrinoConnections(httpsJdbcUrl(), new KeycloakTokens(staticToken));
        assertThatThrownBy(() -> {
            try (Connection c = connections.open()) {
                selectOne(c);
            }
        }).isInstanceOf(SQLException.class).hasMessageContaining("Authentication failed: JWT signature does not match");
    }

    private static KeycloakCredentials clientCredentials() {
        return new KeycloakCredentials(KeycloakCredentials.Grant.CLIENT_CREDENTIALS,
                KeycloakCredentials.tokenEndpoint(Keycloak.serverUrl(), Keycloak.REALM),
                null, null, null, Keycloak.CLIENT, Keycloak.CLIENT_SECRET);
    }

    /** The connector's URL for Trino's HTTPS port, plus the trust of Trino's self-signed certificate. */
    private static String httpsJdbcUrl() throws Exception {
        return TrinoConnections.jdbcUrl(Trino.httpsUrl(), "memory", "default")
                + "&SSLTrustStorePath=" + Trino.certificatePem();
    }

    private static int selectOne(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
