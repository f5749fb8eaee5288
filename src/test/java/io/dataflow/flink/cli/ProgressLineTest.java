package io.dataflow.flink.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressLineTest {

    private static final ProgressSnapshot START = new ProgressSnapshot(0, 0, 0, new TreeMap<>(), -1, ProgressSnapshot.NOT_REPORTED);

    @Test
    void everyFieldInItsPlace() {
        SortedMap<Integer, Long> routed = new TreeMap<>();
        routed.put(0, 400L);
        routed.put(1, 200L);
        ProgressSnapshot previous = new ProgressSnapshot(500, 480, 5, routed, 11, 300);
        ProgressSnapshot now = new ProgressSnapshot(1500, 1470, 10, routed, 12, 0);

        assertThat(ProgressLine.format(previous, now, Duration.ofSeconds(10), Duration.ofMillis(4_700)))
                .isEqualTo("progress: read=1500 written=1470 failed=10 routed=0:400,1:200 rate=100.0/s checkpoint=#12 (4 s ago) lag=0");
    }

    @Test
    void beforeTheFirstCheckpointAndWithoutRoutesOrLag() {
        ProgressSnapshot now = new ProgressSnapshot(7, 3, 0, new TreeMap<>(), -1, ProgressSnapshot.NOT_REPORTED);

        assertThat(ProgressLine.format(START, now, Duration.ofSeconds(2), null))
                .isEqualTo("progress: read=7 written=3 failed=0 rate=3.5/s checkpoint=none");
    }

    @Test
    void aLagNotYetKnownIsAQuestionMark() {
        ProgressSnapshot now = new ProgressSnapshot(0, 0, 0, new TreeMap<>(), 3, ProgressSnapshot.UNKNOWN);

        assertThat(ProgressLine.format(START, now, Duration.ofSeconds(10), Duration.ZERO))
                .isEqualTo("progress: read=0 written=0 failed=0 rate=0.0/s checkpoint=#3 (0 s ago) lag=?");
    }
}
