package io.dataflow.flink.compile;

import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.config.ManifestException;
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

    private static final String CDC_SOURCE = "source:\n  type: postgresql-cdc\n  config: {connectionString: 'postgres://u@127.0.0.1:1/db', "
            + "slotName: s, publicationName: p, tables: [public.t]}\n";

    private static org.apache.flink.streaming.api.graph.StreamGraph graphOf(String manifest) {
        Manifest m = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(manifest, "Cdc Job");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(1000);
        JobCompiler.create().compile(m, env);
        return env.getStreamGraph(false);
    }

    private static org.apache.flink.streaming.api.graph.StreamNode node(org.apache.flink.streaming.api.graph.StreamGraph graph, String uid) {
        return graph.getStreamNodes().stream().filter(n -> uid.equals(n.getTransformationUID())).findFirst().orElseThrow();
    }

    /**
     * replicas: 3 behind the CDC source: one reader (one slot) at parallelism 1, the transformations and the sink at 3,
     * fed through the row-key partitioner (not round robin, which would reorder a row's changes); the uids are those
     * of replicas: 1, where everything is chained, so a savepoint of either shape restores into the other.
     */
    @Test
    void cdcSourceAtReplicasThreeReadsOnceAndKeysItsRecordsByRowIntoThreeSinkSubtasks() {
        String rest = "transformations:\n  - type: mask\n    config: {fields: [name]}\n"
                + "sink:\n  type: kafka\n  config: {brokers: 'a:9092', topic: out}\n";
        org.apache.flink.streaming.api.graph.StreamGraph wide = graphOf("replicas: 3\n" + CDC_SOURCE + rest);
        org.apache.flink.streaming.api.graph.StreamNode source = node(wide, "cdc-job-source");
        org.apache.flink.streaming.api.graph.StreamNode transform = node(wide, "cdc-job-transform");
        assertThat(source.getParallelism()).isEqualTo(1);
        assertThat(transform.getParallelism()).isEqualTo(3);
        assertThat(node(wide, "cdc-job-sink").getParallelism()).isEqualTo(3);
        assertThat(transform.getInEdges()).singleElement().satisfies(edge -> {
            assertThat(edge.getSourceId()).isEqualTo(source.getId());
            assertThat(edge.getPartitioner()).isInstanceOf(org.apache.flink.streaming.runtime.partitioner.CustomPartitionerWrapper.class);
        });

        org.apache.flink.streaming.api.graph.StreamGraph narrow = graphOf("replicas: 1\n" + CDC_SOURCE + rest);
        assertThat(narrow.getStreamNodes()).extracting(org.apache.flink.streaming.api.graph.StreamNode::getTransformationUID)
                .containsExactlyInAnyOrderElementsOf(wide.getStreamNodes().stream()
                        .map(org.apache.flink.streaming.api.graph.StreamNode::getTransformationUID).toList());
        assertThat(node(narrow, "cdc-job-transform").getInEdges()).singleElement().satisfies(edge -> assertThat(edge.getPartitioner())
                .isInstanceOf(org.apache.flink.streaming.runtime.partitioner.ForwardPartitioner.class));
    }

    /** A Kafka source at replicas 3 stays as it was: read at 3, chained forward into the sink. */
    @Test
    void kafkaSourceAtReplicasThreeStaysChainedToItsSink() {
        org.apache.flink.streaming.api.graph.StreamGraph graph = graphOf("replicas: 3\n"
                + "source:\n  type: kafka\n  config: {brokers: 'a:9092', topic: in}\n"
                + "sink:\n  type: kafka\n  config: {brokers: 'a:9092', topic: out}\n");
        assertThat(node(graph, "cdc-job-source").getParallelism()).isEqualTo(3);
        assertThat(node(graph, "cdc-job-sink").getInEdges()).singleElement().satisfies(edge -> assertThat(edge.getPartitioner())
                .isInstanceOf(org.apache.flink.streaming.runtime.partitioner.ForwardPartitioner.class));
    }
}
