package io.dataflow.flink.runtime;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.ValuesConnectorFactory;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With union list state, Flink aborts every checkpoint of the source vertex while some of its subtasks have finished
 * and others not. The wrapper keeps a finished subtask alive until all have finished, so checkpoints go on: the
 * {@code gated} source's subtask 0 ends only after a checkpoint taken after its record completed, while subtask 1
 * has nothing to read. Without that, the job would never finish (the timeout fails the test).
 */
class BoundedSourceEndsTogetherITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void checkpointsCompleteWhileOneSubtaskFinishedAndAnotherStillReads() throws Exception {
        String collection = "ends-together-" + System.nanoTime();
        String yaml = "replicas: 2\n"
                + "source:\n  type: gated\n  config: {}\n"
                + "sink:\n  type: values\n  config:\n    collection: " + collection + "\n";
        MiniClusterJobs.run(yaml, "ends-together", JobCompiler.create(), 100, 0);
        assertThat(ValuesConnectorFactory.collection(collection)).hasSize(1);
    }
}
