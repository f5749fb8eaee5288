package io.dataflow.flink.connector.trino;

import io.dataflow.flink.testing.LoopbackKeycloak;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keycloak flows against the real Trino: a loopback OAuth2 token endpoint ({@link LoopbackKeycloak}) issues and
 * refreshes tokens, and a loopback HTTPS proxy in front of Trino ({@link TlsTrinoProxy}) records the Authorization
 * header of every Trino request. Trino itself runs without authentication (plain HTTP), so the proxy is where the
 * bearer token is observed; it speaks TLS because trino-jdbc sends access tokens over TLS only.
 */
@RealServers({Server.TRINO})
class KeycloakTrinoITCase {

    private LoopbackKeycloak keycloak;
    private TlsTrinoProxy proxy;
    private List<Map<String, String>> tokenRequests;
    private List<String> authorizations;

    @BeforeEach
    void startServers(@TempDir Path dir) throws Exception {
        keycloak = new LoopbackKeycloak("test", 1);
        proxy = new TlsTrinoProxy(Trino.serverUrl(), dir);
        tokenRequests = keycloak.tokenRequests();
        authorizations = proxy.authorizations();
    }

    @AfterEach
    void stopServers() {
        keycloak.close();
        proxy.close();
    }

    @Test
    void passwordGrantTokenIsSentAndRefreshedWithTheRefreshToken() throws Exception {
        KeycloakCredentials credentials = new KeycloakCredentials(KeycloakCredentials.Grant.PASSWORD,
                KeycloakCredentials.tokenEndpoint(keycloak.serverUrl(), "test"),
                null, "alice", "s3cret", "trino-client", "client-secret");
        // expires_in 1 s → due after 800 ms; the 1-minute floor is lowered so the test sees a refresh
        KeycloakTokens tokens = new KeycloakTokens(credentials, Clock.systemUTC(), Duration.ofMillis(100));
        TrinoConnections connections = new TrinoConnections(proxyJdbcUrl(), tokens);

        Connection first = connections.open();
        assertThat(selectOne(first)).isEqualTo(1);
        assertThat(authorizations).isNotEmpty().allMatch("Bearer access-1"::equals);
        assertThat(tokenRequests.get(0)).containsEntry("grant_type", "password").containsEntry("username", "alice")
                .containsEntry("password", "s3cret").containsEntry("client_id", "trino-client")
                .containsEntry("client_secret", "client-secret");

        Thread.sleep(1_000);
        assertThat(connections.stale(first)).isTrue();
        authorizations.clear();
        Connection second = connections.fresh(first);
        assertThat(second).isNotSameAs(first);
        assertThat(first.isClosed()).isTrue();
        assertThat(selectOne(second)).isEqualTo(1);
        assertThat(authorizations).isNotEmpty().allMatch("Bearer access-2"::equals);
        assertThat(tokenRequests.get(1)).containsEntry("grant_type", "refresh_token")
                .containsEntry("refresh_token", "refresh-1");
        second.close();
    }

    @Test
    void clientCredentialsGrantTokenIsSent() throws Exception {
        KeycloakCredentials credentials = new KeycloakCredentials(KeycloakCredentials.Grant.CLIENT_CREDENTIALS,
                KeycloakCredentials.tokenEndpoint(keycloak.serverUrl(), "test"),
                null, null, null, "svc", "svc-secret");
        TrinoConnections connections = new TrinoConnections(proxyJdbcUrl(), new KeycloakTokens(credentials));
        try (Connection c = connections.open()) {
            assertThat(selectOne(c)).isEqualTo(1);
        }
        assertThat(authorizations).isNotEmpty().allMatch("Bearer access-1"::equals);
        assertThat(tokenRequests).hasSize(1);
        assertThat(tokenRequests.get(0)).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_id", "svc").containsEntry("client_secret", "svc-secret");
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
