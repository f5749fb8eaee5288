package io.dataflow.flink.compile;

import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.FailOnceProbe;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.ValuesConnectorFactory;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The compiler and the runtime wrappers on a MiniCluster with the in-memory {@code values} connector. */
class JobCompilerITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @BeforeEach
    void reset() {
        ValuesConnectorFactory.COLLECTIONS.clear();
        FailOnceProbe.reset();
    }

    private static void run(String yaml, JobCompiler compiler) throws Exception {
        MiniClusterJobs.run(yaml, "values-job", compiler, 100, 2);
    }

    private static Set<Long> ids(List<Message> messages) {
        Set<Long> ids = new TreeSet<>();
        synchronized (messages) {
            for (Message m : messages) {
                ids.add(m.json().get("id").asLong());
            }
        }
        return ids;
    }

    @Test
    void boundedJobDeliversEverythingAndClosesEveryConnector() throws Exception {
        run("replicas: 3\nsource: {type: values, config: {count: 3000}}\nsink: {type: values, config: {collection: out}}\n", JobCompiler.create());
        List<Message> out = ValuesConnectorFactory.collection("out");
        assertThat(out).hasSize(3000);
        assertThat(ids(out)).hasSize(3000).first().isEqualTo(0L);
        assertThat(ValuesConnectorFactory.OPEN_CONNECTORS).hasValue(0);
    }

    @Test
    void restartResumesFromTheCheckpointedPositionWithoutLoss() throws Exception {
        run("replicas: 2\nsource: {type: values, config: {count: 20000, batch: 10}}\nsink: {type: values, config: {collection: out}}\n",
                JobCompiler.withProbeAfterSource(new FailOnceProbe(5000, 5)));
        List<Message> out = ValuesConnectorFactory.collection("out");
        assertThat(FailOnceProbe.FAILED).isTrue();
        assertThat(ids(out)).as("nothing lost").hasSize(20000);
        // The sink only "commits" on flush, i.e. at checkpoints and at the end: what was flushed before the failure
        // stays, what came after the last checkpoint is replayed. Far fewer than everything is replayed.
        assertThat(FailOnceProbe.SEEN.get()).as("restored from a checkpoint, not from the start").isLessThan(20000 + 15000);
        assertThat(ValuesConnectorFactory.OPEN_CONNECTORS).hasValue(0);
    }

    @Test
    void flushTimerFlushesWithoutCheckpoints() throws Exception {
        String yaml = "source: {type: values, config: {count: 200, batch: 1, bounded: true}}\n"
                + "sink: {type: values, config: {collection: timed, flushIntervalMs: 20}}\n";
        run(yaml, JobCompiler.create());
        assertThat(ValuesConnectorFactory.collection("timed")).hasSize(200);
    }

    @Test
    void failedRecordsReachTheErrorSinkAndRoutedRecordsTheirRouteSinkAcrossARestart() throws Exception {
        String yaml = """
                replicas: 2
                source: {type: values, config: {count: 5000, batch: 10}}
                transformations:
                  - {type: failIf, config: {condition: "metadata.id == 7 || metadata.id == 4242"}}
                  - type: router
                    config:
                      routes:
                        - {condition: "id == 0 || id == 1 || id == 2", sink: {type: values, config: {collection: low}}}
                sink: {type: values, config: {collection: main}}
                errors: {type: values, config: {collection: errors}}
                """;
        run(yaml, JobCompiler.withProbeAfterSource(new FailOnceProbe(2500, 5)));
        assertThat(FailOnceProbe.FAILED).isTrue();
        assertThat(ids(ValuesConnectorFactory.collection("low"))).containsExactly(0L, 1L, 2L);
        Set<Long> main = ids(ValuesConnectorFactory.collection("main"));
        assertThat(main).hasSize(5000 - 3 - 2).doesNotContain(0L, 7L, 4242L);
        List<Message> errors = ValuesConnectorFactory.collection("errors");
        Set<Long> failed = new TreeSet<>();
        synchronized (errors) {
            for (Message m : errors) {
                failed.add(m.json().at("/original_message/id").asLong());
                assertThat(m.json().at("/error/message").asText()).isEqualTo("transformations[0] (failIf): field id: refused by the test");
            }
        }
        assertThat(failed).containsExactly(7L, 4242L);
        assertThat(ValuesConnectorFactory.OPEN_CONNECTORS).hasValue(0);
    }
}
