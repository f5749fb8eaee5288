package io.dataflow.flink.deploy;

import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.SessionCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * (d) A TaskManager of the real session cluster (scripts/servers/flink-start.sh: 2 TaskManagers, 2 slots each) dies
 * with {@code kill -9} while an exactly-once Kafka → Kafka job at parallelism 3 runs on both and records keep arriving.
 * The 2 slots left are too few for the job, so it can only come back once flink-start.sh has started a replacement; it
 * must then run again with subtasks on the replacement, and a read_committed consumer must see every record once (the
 * transactions open at the crash are aborted, the records after the last completed checkpoint read again).
 * ClusterRescaleITCase runs the same scenario ({@link #runThroughTheLossOfTaskManagerOne}) with the Nessie and
 * PostgreSQL upsert sinks and with a PostgreSQL CDC source.
 */
@RealServers({Server.KAFKA, Server.FLINK})
class TaskManagerLossITCase {

    @TempDir
    Path work;

    @Test
    void exactlyOnceJobRecoversOnAReplacementTaskManagerAfterKillNineAndDeliversEveryRecordOnce() throws Exception {
        String suffix = ClusterRescaleITCase.suffix();
        String out = "tm-loss-out-" + suffix;
        ScenarioInput input = ScenarioInput.kafka("tm-loss-in-" + suffix, "tm-loss-" + suffix, i -> "k-" + i, i -> "{\"id\":" + i + "}");
        ClusterRescaleITCase.ExactlyOnceOutput output = ClusterRescaleITCase.kafkaOutput();
        Path manifest = work.resolve("tm-loss.yaml");
        Files.writeString(manifest, "apiVersion: dataflow.dataflow.io/v1\nkind: DataFlow\nmetadata: {name: tm-loss-" + suffix + "}\n"
                + "spec:\n  replicas: 3\n  checkpointSaveInterval: 1s\n" + input.source() + output.sink(out));
        Recovery recovery = runThroughTheLossOfTaskManagerOne(manifest, input);
        ClusterRescaleITCase.assertEveryRecordOnce("kill -9 of a TaskManager, Kafka -> Kafka exactly-once, read_committed ("
                + recovery.failures() + " failure(s) in the job's history)", Delivery.of(0, recovery.produced(), output.ids(out)));
    }

    /** What a job went through: the records produced while it ran, and the failures it restarted from. */
    record Recovery(int produced, int failures) {
    }

    /**
     * Scenario: the job of {@code manifest} (parallelism 3, its source reading {@code input}) runs on both TaskManagers
     * while records arrive; TaskManager 1 is killed with {@code kill -9} and flink-start.sh starts its replacement; once
     * the job failed over and runs again, with subtasks on the replacement, and checkpoints, the arrivals stop, and the
     * job is stopped with a savepoint (which commits what an exactly-once sink holds) after a completed checkpoint covered
     * the whole input. Leaves a cluster whose JobManager lists only live TaskManagers.
     */
    static Recovery runThroughTheLossOfTaskManagerOne(Path manifest, ScenarioInput input) throws Exception {
        String job = null;
        int produced;
        String killed;
        try {
            job = ClusterRescaleITCase.runAt(manifest, null, 3, input.parallel());
            try (ScenarioInput.Arrivals arrivals = input.arrive()) {
                ClusterRescaleITCase.awaitCheckpoints(job, 1);
                List<String> before = SessionCluster.taskManagersOf(job);
                assertThat(before).as("the job's subtasks are spread over both TaskManagers").hasSize(2);
                killed = Phases.timed("kill -9 of TaskManager 1", () -> SessionCluster.killTaskManager(1));
                Phases.timed("start a replacement TaskManager", SessionCluster::startMissingTaskManagers);
                String recovering = job;
                String lost = killed;
                Phases.timed("failover noticed", () -> SessionCluster.await("the job failed over after losing " + lost,
                        () -> SessionCluster.failures(recovering) > 0, 180));
                Phases.timed("all tasks running again", () -> SessionCluster.awaitRunning(recovering));
                // a checkpoint completed after the recovery: the job runs again as a whole, with the replacement
                ClusterRescaleITCase.awaitCheckpoints(job, 1);
                List<String> after = SessionCluster.taskManagersOf(job);
                System.out.println("TaskManager loss: killed " + killed + "; the job ran on " + before + ", now on " + after);
                assertThat(after).as("the job runs on the replacement of " + killed).doesNotContain(killed)
                        .anyMatch(id -> id.startsWith("taskmanager-1-"));
                arrivals.close();
                produced = arrivals.end();
            }
            ClusterRescaleITCase.awaitRead(input, produced);
            ClusterRescaleITCase.stop(job);
            // leave a cluster whose JobManager lists only live TaskManagers for the tests after this one
            String lost = killed;
            Phases.timed("the killed TaskManager deregistered", () -> SessionCluster.awaitTaskManagerGone(lost));
        } finally {
            SessionCluster.cancelIfRunning(job);
        }
        return new Recovery(produced, SessionCluster.failures(job));
    }
}
