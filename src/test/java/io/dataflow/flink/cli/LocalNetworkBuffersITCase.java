package io.dataflow.flink.cli;

import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.ManifestParser;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A local run's MiniCluster has its network buffers in 8 KiB segments ({@link JobEnvironments#smallNetworkBuffers}):
 * a job at parallelism 8 with two all-to-all shuffles (keyBy, rebalance), which needs several hundred buffers, and
 * records of 20 KB, each spanning three segments, delivers every record once. No server: the MiniCluster alone.
 */
class LocalNetworkBuffersITCase {

    private static final Path FLINK_CONF = Path.of(System.getProperty("dataflow.project.dir", ".")).resolve("flink-conf");
    private static final int RECORDS = 2_000;
    private static final int RECORD_BYTES = 20_000;

    @Test
    void aShuffledJobWithRecordsLargerThanASegmentDeliversEveryRecord() throws Exception {
        Manifest manifest = ManifestParser.forEnvironment(Path.of("/nonexistent")).parse(
                "replicas: 8\nsource: {type: kafka, config: {brokers: [\"127.0.0.1:9\"], topic: t}}\n"
                        + "sink: {type: kafka, config: {brokers: [\"127.0.0.1:9\"], topic: u}}\n", "network-buffers");
        StreamExecutionEnvironment env = JobEnvironments.local(manifest, 0, 0, FLINK_CONF, conf -> { });
        assertThat(env.getParallelism()).isEqualTo(8);

        Set<Long> seen = new HashSet<>();
        try (CloseableIterator<Long> ids = env.fromSequence(1, RECORDS)
                .map(id -> id + ":" + "x".repeat(RECORD_BYTES)).returns(Types.STRING)
                .keyBy(text -> text.hashCode() % 64)
                .map(text -> text).returns(Types.STRING)
                .rebalance()
                .map(text -> {
                    if (text.length() < RECORD_BYTES) {
                        throw new IllegalStateException("a record arrived cut: " + text.length() + " characters");
                    }
                    return Long.parseLong(text.substring(0, text.indexOf(':')));
                }).returns(Types.LONG)
                .executeAndCollect("network-buffers")) {
            ids.forEachRemaining(id -> assertThat(seen.add(id)).as("record %d once", id).isTrue());
        }
        assertThat(seen).hasSize(RECORDS);
    }
}
