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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A cursor-less ClickHouse query is streamed from the HTTP response (issue 19): its first rows are emitted while the
 * server is still producing the rest, and cancelling the job does not wait for the query to finish: the query is
 * killed on the server. Closing the response from the cancelling thread instead made the HTTP client read on
 * against the reading thread, for 4 to over 10 s.
 */
@RealServers({Server.CLICKHOUSE})
class ClickHousePollingStreamITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    /** 20 blocks of 500 rows of 1 kB, each block sleeping 2.5 s: about 50 s in all. */
    private static final String SLOW_QUERY = "SELECT number AS id, sleepEachRow(0.005) AS pause, "
            + "arrayStringConcat(arrayMap(x -> 'x', range(1000))) AS pad FROM system.numbers LIMIT 10000 SETTINGS max_block_size = 500";

    @Test
    void aCursorLessQueryEmitsItsFirstRowsWhileTheServerIsStillProducingThem() throws Exception {
        String query = SLOW_QUERY;
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
                // a kill takes effect at the end of the block being produced (2.5 s); the query has 45 s left to run
                assertThat(System.currentTimeMillis() - cancel).as("the job ends within 20 s of the cancel").isLessThan(20_000);
                Thread.sleep(100);
            }
        }
    }

    @Test
    void aKilledStreamFailsItsReadAndTheServerStopsTheQuery() throws Exception {
        try (ClickHouseAccess access = ClickHouseAccess.open(ClickHouseConnectionString.parse(ClickHouse.nativeUrl("default")), false)) {
            ClickHouseRowStream stream = access.stream(SLOW_QUERY);
            assertThat(stream.next(500)).hasSize(500);
            String running = "SELECT count() AS n FROM system.processes WHERE query_id = '" + stream.queryId() + "'";
            assertThat(ClickHouse.count(running)).as("the query runs on the server").isEqualTo(1);

            assertThat(access.kill(stream.queryId())).as("the server found the query").isTrue();
            assertThat(access.kill("dataflow-no-such-query")).isFalse();

            assertThatThrownBy(() -> stream.next(10_000)).as("the read of a killed query")
                    .isInstanceOf(ClickHouseException.class);
            assertThat(stream.isOpen()).isFalse();
            long deadline = System.currentTimeMillis() + 10_000;
            while (ClickHouse.count(running) > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(ClickHouse.count(running)).as("the query still runs on the server").isZero();
        }
    }

    private static int size(List<Message> out) {
        synchronized (out) {
            return out.size();
        }
    }
}
