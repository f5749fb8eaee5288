package io.dataflow.flink.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CheckpointResetTest {

    @Test
    void aResetIsAskedForByTheFlagAndHappensOncePerSetting() {
        assertThat(CheckpointReset.dropsRestoredPositions(false, List.of())).as("no flag, state of an older version").isFalse();
        assertThat(CheckpointReset.dropsRestoredPositions(false, List.of(true))).as("flag cleared after a reset").isFalse();
        assertThat(CheckpointReset.dropsRestoredPositions(true, List.of(false, false))).as("newly set").isTrue();
        assertThat(CheckpointReset.dropsRestoredPositions(true, List.of())).as("set, state of an older version").isTrue();
        assertThat(CheckpointReset.dropsRestoredPositions(true, List.of(true, true))).as("already reset under this setting").isFalse();
    }
}
