package io.dataflow.flink.connector.clickhouse;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.ClickHouse;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import io.dataflow.flink.testing.ValuesConnectorFactory;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cursor-less ClickHouse query is streamed from the HTTP response (issue 19): its first rows are emitted while the
 * server is still producing the rest, and cancelling the job does not wait for the query to finish.
 */
@RealServers({Server.CLICKHOUSE})
class ClickHousePollingStreamITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    @Test
    void aCursorLessQueryEmitsItsFirstRowsWhileTheServerIsStillProducingThem() throws Exception {
        // 20 blocks of 500 rows of 1 kB, each block sleeping 2.5 s: about 50 s in all
        String query = "SELECT number AS id, sleepEachRow(0.005) AS pause, arrayStringConcat(arrayMap(x -> 'x', range(1000))) AS pad "
                + "FROM system.numbers LIMIT 10000 SETTINGS max_block_size = 500";
        String yaml = "source:\n  type: clickhouse\n  config:\n    connectionString: \"" + ClickHouse.nativeUrl("default") + "\"\n"
                + "    query: \"" + query + "\"\n    pollInterval: 1h\n"
                + "sink: {type: values, config: {collection: ch-stream}}\n";
        long started = System.currentTimeMillis();
        JobClient job = MiniClusterJobs.start(yaml, "it-ch-stream", JobCompiler.create(), 300, 0);
        try {
            List<Message> out = ValuesConnectorFactory.collection("ch-stream");
            while (size(out) < 1000 && System.currentTimeMillis() - started < 30_000) {
                Thread.sleep(100);
            }
            assertThat(size(out)).as("rows emitted within 30 s of a 50 s query").isGreaterThanOrEqualTo(1000);
        } finally {
            long cancel = System.currentTimeMillis();
            job.cancel().get(10, TimeUnit.SECONDS);
            while (!job.getJobStatus().get().isGloballyTerminalState()) {
                assertThat(System.currentTimeMillis() - cancel).as("the job ends within 10 s of the cancel").isLessThan(10_000);
                Thread.sleep(100);
            }
        }
    }

    private static int size(List<Message> out) {
        synchronized (out) {
            return out.size();
        }
    }
}
