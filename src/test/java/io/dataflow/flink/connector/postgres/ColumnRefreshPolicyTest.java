package io.dataflow.flink.connector.postgres;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ColumnRefreshPolicyTest {

    @Test
    void aNewMissingFieldReadsAtOnceAKnownOneOnlyAfterTheInterval() {
        ColumnRefreshPolicy policy = new ColumnRefreshPolicy();
        assertThat(policy.due(Set.of(), 0)).isFalse();
        assertThat(policy.due(Set.of("email"), 0)).isTrue();
        policy.read(Set.of("email"), 0);
        assertThat(policy.due(Set.of("email"), 1_000_000)).isFalse();
        assertThat(policy.due(Set.of("email", "phone"), 1_000_000)).isTrue();
        assertThat(policy.due(Set.of("email"), ColumnRefreshPolicy.RECHECK_NANOS)).isTrue();
    }
}
