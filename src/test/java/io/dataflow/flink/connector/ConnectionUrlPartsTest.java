package io.dataflow.flink.connector;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionUrlPartsTest {

    @Test
    void cutsAsGoUrlParseDoes() {
        ConnectionUrlParts parts = ConnectionUrlParts.cut("us%40er:p@ss:w@h1:5432,h2/db/x?sslmode=disable&a=%41&flag#frag");
        assertThat(parts.user()).isEqualTo("us@er");
        assertThat(parts.password()).as("the user info ends at the last '@'").isEqualTo("p@ss:w");
        assertThat(parts.hosts()).isEqualTo("h1:5432,h2");
        assertThat(parts.path()).isEqualTo("db/x");
        assertThat(parts.parameters()).containsExactly(Map.entry("sslmode", "disable"),
                Map.entry("a", "A"), Map.entry("flag", ""));
    }

    @Test
    void absentPartsAreNullOrEmpty() {
        ConnectionUrlParts parts = ConnectionUrlParts.cut("host");
        assertThat(parts.user()).isNull();
        assertThat(parts.password()).isNull();
        assertThat(parts.path()).isEmpty();
        assertThat(parts.parameters()).isEmpty();
        assertThat(ConnectionUrlParts.cut(":@host").user()).isNull();
        assertThat(ConnectionUrlParts.cut(":@host").password()).isEmpty();
    }

    @Test
    void thePasswordStaysOutOfItsText() {
        assertThat(ConnectionUrlParts.cut("u:s3cret@host/db").toString()).doesNotContain("s3cret");
    }
}
