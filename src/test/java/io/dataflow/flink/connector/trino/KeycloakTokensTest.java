package io.dataflow.flink.connector.trino;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** When a password-grant token is refreshed, counted from the token request (the fetches: KeycloakTrinoITCase). */
class KeycloakTokensTest {

    @Test
    void refreshesAtEightyPercentOfTheLifetime() {
        assertThat(KeycloakTokens.refreshDelay(300, KeycloakTokens.MIN_REFRESH)).isEqualTo(Duration.ofSeconds(240));
        assertThat(KeycloakTokens.refreshDelay(3600, KeycloakTokens.MIN_REFRESH)).isEqualTo(Duration.ofSeconds(2880));
    }

    @Test
    void theOneMinuteFloorAppliesToTokensThatOutliveIt() {
        assertThat(KeycloakTokens.refreshDelay(70, KeycloakTokens.MIN_REFRESH)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aTokenIsRefreshedBeforeKeycloakLetsItExpireEvenBelowTheFloor() {
        // Keycloak's exp is the issue time in whole seconds plus expires_in: a 60 s token may be refused 59 s on
        assertThat(KeycloakTokens.refreshDelay(60, KeycloakTokens.MIN_REFRESH)).isEqualTo(Duration.ofSeconds(59));
        assertThat(KeycloakTokens.refreshDelay(30, KeycloakTokens.MIN_REFRESH)).isEqualTo(Duration.ofSeconds(29));
        assertThat(KeycloakTokens.refreshDelay(2, Duration.ofMillis(100))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void withoutExpiresInTheFloorIsTheDelay() {
        assertThat(KeycloakTokens.refreshDelay(0, KeycloakTokens.MIN_REFRESH)).isEqualTo(KeycloakTokens.MIN_REFRESH);
    }
}
