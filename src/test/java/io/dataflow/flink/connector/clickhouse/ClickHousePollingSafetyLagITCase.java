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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ClickHouse says nothing about inserts in flight, so the polling source reads only up to values it saw at least
 * {@code safetyLag} ago (issue 19): a row stamped a moment before a row that was inserted earlier is not skipped.
 */
@RealServers({Server.CLICKHOUSE})
class ClickHousePollingSafetyLagITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    private static String database;

    @BeforeAll
    static void database() throws Exception {
        database = ClickHouse.createDatabase("it_lag");
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        ClickHouse.execute("DROP DATABASE IF EXISTS " + database);
    }

    @Test
    void aRowStampedBeforeAnEarlierInsertedRowIsReadWithinTheDefaultLag() throws Exception {
        ClickHouse.execute("CREATE TABLE " + database + ".events (id UInt64, v String, created_at DateTime) ENGINE = MergeTree ORDER BY id");
        ClickHouse.execute("INSERT INTO " + database + ".events SELECT 2, 'first', now()");
        String yaml = "source:\n  type: clickhouse\n  config:\n    connectionString: \"" + ClickHouse.nativeUrl(database) + "\"\n"
                + "    table: events\n    pollInterval: 200ms\n"
                + "sink: {type: values, config: {collection: lag}}\n";
        JobClient job = MiniClusterJobs.start(yaml, "it-ch-lag", JobCompiler.create(), 300, 0);
        try {
            // a client stamped this row 3 s before it reached the server, after 'first' had been inserted (and,
            // without a lag, read)
            Thread.sleep(1_500);
            ClickHouse.execute("INSERT INTO " + database + ".events SELECT 1, 'stamped earlier', now() - 3");
            List<Message> out = ValuesConnectorFactory.collection("lag");
            long deadline = System.currentTimeMillis() + 30_000;
            while (values(out).size() < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(values(out)).containsExactlyInAnyOrder("first", "stamped earlier");
        } finally {
            job.cancel().get();
        }
    }

    private static List<String> values(List<Message> out) {
        synchronized (out) {
            return out.stream().map(m -> m.json().path("v").asText()).collect(Collectors.toList());
        }
    }
}
