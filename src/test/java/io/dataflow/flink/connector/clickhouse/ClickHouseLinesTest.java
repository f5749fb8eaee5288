package io.dataflow.flink.connector.clickhouse;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickHouseLinesTest {

    @Test
    void aTruncatedPartialLineIsGoneAndTheNextLineFollowsTheKeptOnes() {
        ClickHouseLines lines = new ClickHouseLines(4);
        lines.writeBytes("{\"a\":1}\n".getBytes(StandardCharsets.UTF_8));
        int start = lines.size();
        lines.writeBytes("{\"a\":".getBytes(StandardCharsets.UTF_8));
        lines.truncate(start);
        lines.writeBytes("{\"a\":3}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(lines.array(), 0, lines.size(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n{\"a\":3}\n");
    }

    @Test
    void truncatingBeyondTheContentIsRefused() {
        ClickHouseLines lines = new ClickHouseLines(4);
        lines.writeBytes(new byte[] {'x'});
        assertThatThrownBy(() -> lines.truncate(2)).isInstanceOf(IllegalArgumentException.class);
    }
}
