package io.dataflow.flink.bench;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SteadyCpuTest {

    @Test
    void medianSkipsRoundsWithoutAWindow() {
        assertThat(SteadyCpu.median(Arrays.asList(30.0, Double.NaN, 10.0, 20.0))).isEqualTo(20.0);
        // Two rounds observed: the upper of the two middle values, as the bench's other medians.
        assertThat(SteadyCpu.median(Arrays.asList(Double.NaN, 40.0, 10.0))).isEqualTo(40.0);
        assertThat(SteadyCpu.median(Arrays.asList(Double.NaN, Double.NaN))).isNaN();
    }

    @Test
    void microsPerRecordIsTheMedianOverTheRounds() {
        List<FlowWindow.Flow> rounds = List.of(new FlowWindow.Flow(6.0, 100_000, 5, 3), new FlowWindow.Flow(9.0, 90_000, 6, 3),
                FlowWindow.Flow.UNOBSERVED, new FlowWindow.Flow(4.0, 50_000, 4, 3));
        // 60, 100 and 80 µs per record; the unobserved round has none.
        assertThat(SteadyCpu.microsPerRecord(rounds)).isEqualTo(80.0);
    }

    @Test
    void resultFieldsCarryTheRatioOfTheDataflowsCpuPerRecordToTheLimits() {
        Map<String, Double> micros = new LinkedHashMap<>();
        micros.put("dataflow", 123.45);
        micros.put("peer", 150.0);
        micros.put("limit", 95.0);
        assertThat(SteadyCpu.resultFields(micros))
                .isEqualTo("steady_cpu_ratio=1.30 dataflow_steady_us=123.5 peer_steady_us=150.0 limit_steady_us=95.0");
    }

    @Test
    void missingContendersAndUnobservedWindowsAreNa() {
        Map<String, Double> micros = new LinkedHashMap<>();
        micros.put("dataflow", 80.0);
        micros.put("limit", Double.NaN);
        assertThat(SteadyCpu.resultFields(micros))
                .isEqualTo("steady_cpu_ratio=na dataflow_steady_us=80.0 peer_steady_us=na limit_steady_us=na");
    }
}
