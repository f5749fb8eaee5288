package io.dataflow.flink.connector.postgres.cdc;

import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source table's schema changes while a CDC job runs, into a real PostgreSQL sink with {@code schemaEvolution:
 * evolve}: pgoutput sends a new Relation message before the first change under the new shape, and the source
 * follows it. ADD COLUMN: later records carry the column with its value, the target gains it (earlier rows null
 * there). DROP COLUMN: later records lack the field, the target keeps its column (null for new rows). A type change
 * (int to bigint): later records carry the wider values, the target column is widened. The job does not fail and no
 * change is lost.
 */
@RealServers(Server.POSTGRES)
class PostgresCdcSchemaChangeITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String slot = "it_slot_ddl_" + suffix;
    private final String publication = "it_pub_ddl_" + suffix;

    @AfterEach
    void dropSlot() throws Exception {
        Postgres.dropReplicationSlot(slot);
        Postgres.execute("DROP PUBLICATION IF EXISTS " + publication);
    }

    @Test
    void addDropAndTypeChangeOfASourceColumnReachTheTargetWhileTheJobRuns() throws Exception {
        String source = "public.cdc_ddl_src_" + suffix;
        String target = "public.cdc_ddl_dst_" + suffix;
        Postgres.execute("CREATE TABLE " + source + " (id BIGINT PRIMARY KEY, name TEXT, qty INT)");
        Postgres.execute("CREATE TABLE " + target + " (id BIGINT PRIMARY KEY, name TEXT, qty INT)");
        Postgres.execute("INSERT INTO " + source + " VALUES (1, 'one', 1)");
        String yaml = "source:\n  type: postgresql-cdc\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    slotName: " + slot + "\n    publicationName: " + publication + "\n    tables: [" + source + "]\n"
                + "    heartbeatIntervalSeconds: 1\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: " + target + "\n    upsertMode: true\n    conflictKey: id\n    schemaEvolution: evolve\n"
                + "    batchSize: 100\n    batchFlushIntervalSeconds: 1\n";
        JobClient job = MiniClusterJobs.start(yaml, "it-cdc-ddl", JobCompiler.create(), 300, 0);
        try {
            await(job, "the snapshot row", "SELECT count(*) FROM " + target + " WHERE id = 1");

            Postgres.execute("ALTER TABLE " + source + " ADD COLUMN note TEXT");
            Postgres.execute("INSERT INTO " + source + " VALUES (2, 'two', 2, 'added later')");
            Postgres.execute("UPDATE " + source + " SET qty = 10 WHERE id = 1");
            await(job, "the row with the added column", "SELECT count(*) FROM " + target + " WHERE id = 2");
            await(job, "the update after ADD COLUMN", "SELECT count(*) FROM " + target + " WHERE id = 1 AND qty = 10");
            assertThat(Postgres.count("SELECT count(*) FROM " + target + " WHERE id = 2 AND note = 'added later'"))
                    .as("the added column's value arrives").isEqualTo(1);
            assertThat(Postgres.count("SELECT count(*) FROM " + target + " WHERE id = 1 AND note IS NULL"))
                    .as("the row changed after ADD COLUMN has its (null) value").isEqualTo(1);

            Postgres.execute("ALTER TABLE " + source + " DROP COLUMN name");
            Postgres.execute("INSERT INTO " + source + " VALUES (3, 3, 'no name')");
            await(job, "the row after DROP COLUMN", "SELECT count(*) FROM " + target + " WHERE id = 3 AND note = 'no name'");
            assertThat(Postgres.count("SELECT count(*) FROM " + target + " WHERE id = 3 AND name IS NULL"))
                    .as("the dropped column stays in the target, null for new rows").isEqualTo(1);

            Postgres.execute("ALTER TABLE " + source + " ALTER COLUMN qty TYPE BIGINT");
            Postgres.execute("INSERT INTO " + source + " VALUES (4, 5000000000, 'wide')");
            await(job, "the row after the type change", "SELECT count(*) FROM " + target + " WHERE id = 4 AND qty = 5000000000");
            assertThat(Postgres.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'cdc_ddl_dst_"
                    + suffix + "' AND column_name = 'qty' AND data_type = 'bigint'")).as("the target column was widened").isEqualTo(1);
            assertThat(Postgres.count("SELECT count(*) FROM " + target)).as("every row, once").isEqualTo(4);
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("the job still runs").isFalse();
        } finally {
            job.cancel().get();
        }
    }

    private static void await(JobClient job, String what, String countQuery) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (Postgres.count(countQuery) < 1) {
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job still running while waiting for %s", what).isFalse();
            assertThat(System.currentTimeMillis()).as("%s within 60 s", what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
