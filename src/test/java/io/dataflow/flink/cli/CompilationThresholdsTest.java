package io.dataflow.flink.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The job's JVM gets the launcher's C2 thresholds unless the user's options choose compilation themselves. */
class CompilationThresholdsTest {

    @Test
    void theJobsJvmCompilesWithC2ThresholdsFourTimesJavasDefaults() {
        assertThat(CompilationThresholds.options(List.of("-Xmx512m", "-Xlog:gc")))
                .containsExactly("-XX:Tier4InvocationThreshold=20000", "-XX:Tier4CompileThreshold=60000",
                        "-XX:Tier4BackEdgeThreshold=160000");
    }

    @Test
    void theUsersOwnCompilationOptionsWin() {
        for (String own : List.of("-XX:TieredStopAtLevel=1", "-XX:Tier4InvocationThreshold=5000", "-XX:-TieredCompilation",
                "-XX:CompileThreshold=1000", "-Xint", "-Xcomp")) {
            assertThat(CompilationThresholds.options(List.of("-Xmx512m", own))).as(own).isEmpty();
        }
    }
}
