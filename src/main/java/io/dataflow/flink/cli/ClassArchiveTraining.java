package io.dataflow.flink.cli;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run of {@link ClassArchiveWriter}: loads the classes a local run loads, so that the JVM archives them
 * when it exits. It needs no server, so that the build and an image build can run it: it plans a manifest (the CLI,
 * the manifest's parsing and validation, the job's compilation) and runs a small bounded job on a MiniCluster with
 * the web UI, two subtasks, a network exchange and checkpoints (what every job's start-up goes through). The
 * connectors' clients are not loaded, as they would need their servers; they come from the jar as before.
 */
final class ClassArchiveTraining {

    private static final String MANIFEST = """
            replicas: 2
            source:
              type: kafka
              config:
                brokers: ["127.0.0.1:9092"]
                topic: training
                consumerGroup: training
            transformations:
              - type: timestamp
                config:
                  fieldName: created_at
              - type: filter
                config:
                  condition: "$.id != null"
            sink:
              type: postgresql
              config:
                connectionString: "postgres://training@127.0.0.1:5432/training"
                table: training
            errors:
              type: kafka
              config:
                brokers: ["127.0.0.1:9092"]
                topic: training-errors
            """;

    private ClassArchiveTraining() {
    }

    public static void main(String[] args) {
        ParentWatch.endWithParent();
        try {
            plan();
            runSmallJob();
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        // the MiniCluster leaves non-daemon threads; the archive is written as the JVM exits
        System.exit(0);
    }

    private static void plan() throws Exception {
        Path dir = Files.createTempDirectory("dataflow-class-archive-training");
        Path manifest = Files.writeString(dir.resolve("training.yaml"), MANIFEST);
        try {
            StringWriter output = new StringWriter();
            int exitCode = Main.execute(new PrintWriter(output), new PrintWriter(output), "plan", manifest.toString());
            if (exitCode != 0) {
                throw new IllegalStateException("plan of the training manifest failed: " + output);
            }
        } finally {
            Files.delete(manifest);
            Files.delete(dir);
        }
    }

    private static void runSmallJob() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, 0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(2);
        env.enableCheckpointing(100, CheckpointingMode.EXACTLY_ONCE);
        env.fromSequence(0, 2_000_000).map(i -> i * 2).returns(Long.class).rebalance().addSink(new DiscardingSink<>());
        env.execute("class-archive-training");
    }
}
