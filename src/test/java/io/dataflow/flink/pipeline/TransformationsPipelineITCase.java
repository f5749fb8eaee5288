package io.dataflow.flink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 4 end to end on the real Kafka and PostgreSQL: Kafka → filter → mask → router (two routes) → three
 * PostgreSQL tables, with an error sink on Kafka. Records that violate a NOT NULL or CHECK constraint must land in
 * the error topic with the reason, every other record in the right table, and the counts must match exactly.
 */
@RealServers({Server.KAFKA, Server.POSTGRES})
class TransformationsPipelineITCase {

    private static final int RECORDS = 3_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private String topic;
    private String errorTopic;
    private String suffix;

    /**
     * Record i: every 10th is {@code kind: test} (filtered out); every 7th is a refund (route 0), every 11th a
     * high-priority order (route 1), the rest go to the main sink. Every 13th has no amount (NOT NULL) and every
     * 17th a negative amount (CHECK), in whichever table it lands.
     */
    private enum Fate { FILTERED, REFUND, PRIORITY, ORDER }

    private static Fate fate(int i) {
        if (i % 10 == 0) {
            return Fate.FILTERED;
        }
        if (i % 7 == 0) {
            return Fate.REFUND;
        }
        if (i % 11 == 0) {
            return Fate.PRIORITY;
        }
        return Fate.ORDER;
    }

    /** Every 19th has a quantity that is not a number: the cast step fails it. */
    private static boolean uncastable(int i) {
        return i % 19 == 0;
    }

    private static boolean violates(int i) {
        return i % 13 == 0 || i % 17 == 0;
    }

    private static String event(int i) {
        String kind = i % 10 == 0 ? "test" : i % 7 == 0 ? "refund" : "order";
        String amount = i % 13 == 0 ? "null" : i % 17 == 0 ? "-" + i : String.valueOf(i);
        return "{\"id\":" + i + ",\"kind\":\"" + kind + "\",\"priority\":\"" + (i % 11 == 0 ? "high" : "normal") + "\","
                + "\"amount\":" + amount + ",\"qty\":\"" + (uncastable(i) ? "many" : String.valueOf(i % 5)) + "\","
                + "\"email\":\"user" + i + "@example.com\"}";
    }

    @BeforeEach
    void topicsAndTables() throws Exception {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        topic = "tx-" + suffix;
        errorTopic = "tx-errors-" + suffix;
        Kafka.createTopic(topic, 3);
        Kafka.createTopic(errorTopic, 1);
        for (String table : List.of("orders", "refunds", "priority")) {
            Postgres.execute("CREATE TABLE public." + table + "_" + suffix + " (id BIGINT PRIMARY KEY, kind TEXT NOT NULL, "
                    + "priority TEXT, amount NUMERIC NOT NULL CHECK (amount >= 0), qty BIGINT, email TEXT)");
        }
        Kafka.produce(topic, RECORDS, TransformationsPipelineITCase::event);
    }

    private String pgSink(String table, String indent) {
        return indent + "type: postgresql\n" + indent + "config:\n"
                + indent + "  connectionString: \"" + Postgres.url() + "\"\n"
                + indent + "  table: public." + table + "_" + suffix + "\n"
                + indent + "  batchSize: 200\n";
    }

    private String manifest(boolean withErrorSink) {
        return "replicas: 2\n"
                + "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: it-" + topic + "\n    bounded: true\n"
                + "transformations:\n"
                + "  - type: filter\n    config:\n      condition: \"kind != 'test'\"\n"
                + "  - type: mask\n    config:\n      fields: [email]\n"
                + "  - type: cast\n    config:\n      spec: {qty: int64}\n"
                + "  - type: router\n    config:\n      routes:\n"
                + "        - condition: \"$.kind == 'refund'\"\n          sink:\n" + pgSink("refunds", "            ")
                + "        - condition: \"priority == high && kind == order\"\n          sink:\n" + pgSink("priority", "            ")
                + "sink:\n" + pgSink("orders", "  ")
                + (withErrorSink ? "errors:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + errorTopic + "\n" : "");
    }

    @Test
    void everyRecordLandsInItsTableOrInTheErrorTopicWithTheReason() throws Exception {
        MiniClusterJobs.run(manifest(true), "it-transformations", JobCompiler.create(), 500, 0);

        Map<Fate, Long> expected = new HashMap<>();
        TreeSet<Integer> expectedErrors = new TreeSet<>();
        for (int i = 0; i < RECORDS; i++) {
            if (fate(i) != Fate.FILTERED && (uncastable(i) || violates(i))) {
                expectedErrors.add(i);
            } else {
                expected.merge(fate(i), 1L, Long::sum);
            }
        }
        assertThat(count("orders")).as("main sink rows").isEqualTo(expected.get(Fate.ORDER));
        assertThat(count("refunds")).as("route 0 rows").isEqualTo(expected.get(Fate.REFUND));
        assertThat(count("priority")).as("route 1 rows").isEqualTo(expected.get(Fate.PRIORITY));
        assertThat(Postgres.count("SELECT count(*) FROM public.refunds_" + suffix + " WHERE kind <> 'refund'")).isZero();
        assertThat(Postgres.count("SELECT count(*) FROM public.priority_" + suffix + " WHERE priority <> 'high'")).isZero();
        assertThat(Postgres.count("SELECT count(*) FROM public.orders_" + suffix + " WHERE kind = 'test'")).as("filtered").isZero();
        assertThat(Postgres.count("SELECT count(*) FROM public.orders_" + suffix + " WHERE email <> '***'")).as("masked").isZero();
        assertThat(Postgres.count("SELECT count(*) FROM public.orders_" + suffix + " WHERE qty IS NULL")).as("cast to a number").isZero();

        List<String> errors = Kafka.readAll(errorTopic);
        TreeSet<Integer> errorIds = new TreeSet<>();
        for (String text : errors) {
            JsonNode envelope = JSON.readTree(text);
            int id = envelope.path("original_message").path("id").asInt();
            errorIds.add(id);
            String reason = envelope.path("error").path("message").asText();
            if (uncastable(id)) {
                assertThat(reason).as("record %d", id).isEqualTo("transformations[2] (cast): field qty: cannot cast a string to int64");
                assertThat(envelope.path("original_message").path("email").asText()).as("the record as read").startsWith("user");
                assertThat(envelope.path("original_message").path("qty").asText()).isEqualTo("many");
                continue;
            } else if (id % 13 == 0) {
                assertThat(reason).as("record %d", id).startsWith("SQLSTATE 23502").contains("amount");
            } else {
                assertThat(reason).as("record %d", id).startsWith("SQLSTATE 23514");
            }
            assertThat(envelope.path("error").path("original_sink").asText()).isEqualTo("postgresql");
            assertThat(envelope.path("error").path("metadata").path("topic").asText()).isEqualTo(topic);
            assertThat(envelope.path("original_message").path("email").asText()).as("the error record is the record as the sink got it").isEqualTo("***");
            assertThat(envelope.path("original_message").path("qty").isIntegralNumber()).as("cast before the sink").isTrue();
        }
        assertThat(errors).as("one error record per refused record, no duplicates").hasSize(expectedErrors.size());
        assertThat(errorIds).isEqualTo(expectedErrors);
        assertThat(IntStream.of(errorIds.stream().mapToInt(Integer::intValue).toArray()).anyMatch(i -> fate(i) == Fate.REFUND))
                .as("route sinks report refused records too").isTrue();
    }

    @Test
    void withoutAnErrorSinkARefusedRecordFailsTheJob() {
        assertThatThrownBy(() -> MiniClusterJobs.run(manifest(false), "it-transformations-no-errors", JobCompiler.create(), 500, 0))
                .hasStackTraceContaining("SQLSTATE 23");
    }

    @Test
    void aRouteSinkThatCannotConnectFailsTheJob() {
        String yaml = manifest(true).replaceFirst("(?s)(routes:.*?connectionString: \")[^\"]+", "$1postgres://nobody@127.0.0.1:1/none");
        assertThatThrownBy(() -> MiniClusterJobs.run(yaml, "it-transformations-bad-route", JobCompiler.create(), 500, 0))
                .hasStackTraceContaining("127.0.0.1:1");
    }

    private long count(String table) throws Exception {
        return Postgres.count("SELECT count(*) FROM public." + table + "_" + suffix);
    }
}
