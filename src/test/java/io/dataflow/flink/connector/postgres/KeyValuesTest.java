package io.dataflow.flink.connector.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyValuesTest {

    @Test
    void spellingsOfOneTypedKeyHaveOneCanonicalText() {
        assertThat(KeyValues.canonical("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "uuid"))
                .isEqualTo(KeyValues.canonical("{a0eebc999c0b4ef8bb6d6bb9bd380a11}", "uuid"));
        assertThat(KeyValues.canonical("1.0", "numeric")).isEqualTo(KeyValues.canonical("1", "numeric")).isEqualTo("1");
        assertThat(KeyValues.canonical("2.50", "numeric")).isEqualTo("2.5");
        assertThat(KeyValues.canonical("1E+2", "numeric")).isEqualTo("100");
        assertThat(KeyValues.canonical("-0.0", "numeric")).isEqualTo("0");
        assertThat(KeyValues.canonical(" +7", "bigint")).isEqualTo("7");
        assertThat(KeyValues.canonical("ab  ", "character")).isEqualTo("ab");
    }

    @Test
    void textsTheTypeWouldNotAcceptAndOtherTypesStayAsTheyAre() {
        assertThat(KeyValues.canonical("1.0", "integer")).isEqualTo("1.0");
        assertThat(KeyValues.canonical("not-a-uuid", "uuid")).isEqualTo("not-a-uuid");
        assertThat(KeyValues.canonical("ABC", "text")).isEqualTo("ABC");
        assertThat(KeyValues.canonical(null, "uuid")).isNull();
    }
}
