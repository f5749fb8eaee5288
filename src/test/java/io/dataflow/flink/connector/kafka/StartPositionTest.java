package io.dataflow.flink.connector.kafka;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartPositionTest {

    @Test
    void parsesTheKeywordsAndInstantsWithAZone() {
        assertThat(StartPosition.parse("earliest")).isEqualTo(StartPosition.EARLIEST);
        assertThat(StartPosition.parse(" Latest ")).isEqualTo(StartPosition.LATEST);
        assertThat(StartPosition.parse("2026-12-01T00:00:00Z").timestamp()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(StartPosition.parse("2026-12-01T01:00:00.250+01:00").timestamp()).isEqualTo(Instant.parse("2026-12-01T00:00:00.250Z"));
        assertThat(StartPosition.parse("2026-12-01T00:00:00Z")).hasToString("2026-12-01T00:00:00Z");
    }

    @Test
    void rejectsATimestampWithoutZoneAndOtherWords() {
        for (String bad : new String[] {"2026-12-01T00:00:00", "2026-12-01", "oldest", ""}) {
            assertThatThrownBy(() -> StartPosition.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("must be earliest, latest or an ISO-8601 timestamp");
        }
    }
}
