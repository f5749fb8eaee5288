package io.dataflow.flink.compile;

import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestException;
import io.dataflow.flink.manifest.ManifestParser;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobCompilerTest {

    private static Manifest manifest(String sinkExtra) {
        return ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(
                "source:\n  type: kafka\n  config: {brokers: 'a:9092', topic: in}\n"
                        + "sink:\n  type: kafka\n  config: {brokers: 'a:9092', topic: out" + sinkExtra + "}\n", "eos-job");
    }

    @Test
    void exactlyOnceSinkWithoutCheckpointingIsRefusedNamingTheField() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        assertThatThrownBy(() -> JobCompiler.create().compile(manifest(", deliveryGuarantee: exactly-once"), env))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("sink.config.deliveryGuarantee: needs checkpointing: the sink commits its writes when a checkpoint completes");
    }

    @Test
    void exactlyOnceSinkCompilesWithCheckpointingAndAtLeastOnceWithout() {
        StreamExecutionEnvironment withCheckpoints = StreamExecutionEnvironment.getExecutionEnvironment();
        withCheckpoints.enableCheckpointing(1000);
        assertThat(JobCompiler.create().compile(manifest(", deliveryGuarantee: exactly-once"), withCheckpoints).operators()).isNotEmpty();
        StreamExecutionEnvironment without = StreamExecutionEnvironment.getExecutionEnvironment();
        assertThat(JobCompiler.create().compile(manifest(""), without).operators()).isNotEmpty();
    }
}
