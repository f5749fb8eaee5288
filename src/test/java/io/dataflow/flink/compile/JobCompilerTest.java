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

    /**
     * main() re-runs after a JobManager failover, so building the job must not touch any server: every example
     * manifest, pointed at addresses where nothing listens (a connection would fail at once), compiles: DDL and
     * connections wait for the operators' open().
     */
    @Test
    void compilingEveryExampleContactsNoServer() throws Exception {
        java.util.List<Path> examples;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(Path.of("jobs/examples"))) {
            examples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(examples).hasSizeGreaterThan(5);
        for (Path example : examples) {
            String unreachable = java.nio.file.Files.readString(example).replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:1");
            Manifest m = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(unreachable, "offline");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.enableCheckpointing(1000);
            assertThat(JobCompiler.create().compile(m, env).operators()).as(example.toString()).isNotEmpty();
            assertThat(env.getStreamGraph(false).getStreamNodes()).as(example.toString()).isNotEmpty();
        }
    }

    /**
     * A Nessie sink at parallelism 3 gets one committer behind its writers: uid {@code <flow>-sink-committer},
     * parallelism 1, fed by the writers; the uids of the existing operators stay as they were.
     */
    @Test
    void nessieSinkGetsOneCommitterBehindItsWritersWithAStableUid() {
        Manifest m = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse("replicas: 3\n"
                + "source:\n  type: kafka\n  config: {brokers: 'a:9092', topic: in}\n"
                + "sink:\n  type: nessie\n  config: {baseURL: 'http://127.0.0.1:1', warehouse: '/tmp/w', namespace: ns, table: t, "
                + "authenticationType: NONE}\n", "Lake Job");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(1000);
        JobPlan plan = JobCompiler.create().compile(m, env);

        assertThat(plan.operators()).extracting(OperatorPlan::uid, OperatorPlan::role, OperatorPlan::parallelism).containsExactly(
                org.assertj.core.groups.Tuple.tuple("lake-job-source", "source", 3),
                org.assertj.core.groups.Tuple.tuple("lake-job-sink", "sink", 3),
                org.assertj.core.groups.Tuple.tuple("lake-job-sink-committer", "committer", 1));
        org.apache.flink.streaming.api.graph.StreamGraph graph = env.getStreamGraph(false);
        org.apache.flink.streaming.api.graph.StreamNode committer = graph.getStreamNodes().stream()
                .filter(n -> "lake-job-sink-committer".equals(n.getTransformationUID())).findFirst().orElseThrow();
        assertThat(committer.getParallelism()).isEqualTo(1);
        assertThat(committer.getInEdges()).hasSize(1);
        assertThat(graph.getStreamNode(committer.getInEdges().get(0).getSourceId()).getTransformationUID()).isEqualTo("lake-job-sink");
    }
}
