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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad records on the real Kafka and PostgreSQL (issue 12): between good records, one topic partition carries a
 * record that is not JSON, one with invalid UTF-8, one of 10 MB, one nested 10 000 deep, one whose field a cast
 * cannot convert and one with an integer beyond int64. Each must land in the Kafka error sink with its reason, and
 * the good records after it must still reach PostgreSQL: the job keeps running.
 */
@RealServers({Server.KAFKA, Server.POSTGRES})
class BadRecordsITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TEN_MB = 10 * 1024 * 1024;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void eachBadRecordLandsInTheErrorSinkAndTheGoodOnesAfterItInTheTable() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "bad-records-" + suffix;
        String errorTopic = "bad-records-errors-" + suffix;
        String table = "bad_records_" + suffix;
        createLargeMessageTopic(topic);
        createLargeMessageTopic(errorTopic);
        Postgres.execute("CREATE TABLE public." + table + " (id BIGINT PRIMARY KEY, qty BIGINT)");

        List<byte[]> input = new ArrayList<>();
        int good = 0;
        for (byte[] bad : badRecords()) {
            input.add(goodRecord(good++));
            input.add(bad);
        }
        input.add(goodRecord(good++));
        produce(topic, input);

        String manifest = "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: it-" + topic + "\n    bounded: true\n"
                + "transformations:\n  - type: cast\n    config:\n      spec: {qty: int64}\n"
                + "sink:\n  type: postgresql\n  config:\n    connectionString: \"" + Postgres.url() + "\"\n"
                + "    table: public." + table + "\n    batchSize: 1\n"
                + "errors:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + errorTopic + "\n";
        MiniClusterJobs.run(manifest, "it-bad-records", JobCompiler.create(), 500, 0);

        assertThat(Postgres.count("SELECT count(*) FROM public." + table)).as("every good record, also those after a bad one")
                .isEqualTo(good);
        assertThat(Postgres.count("SELECT count(*) FROM public." + table + " WHERE id = qty AND id < " + good)).isEqualTo(good);

        // bad record k sits at offset 2k+1, between good records
        Map<Long, JsonNode> byOffset = new java.util.TreeMap<>();
        for (String text : Kafka.readAll(errorTopic)) {
            assertThat(text.length()).as("an envelope fits Kafka's default 1 MB limits").isLessThan(1_000_000);
            JsonNode envelope = JSON.readTree(text);
            assertThat(envelope.path("error").path("metadata").path("topic").asText()).isEqualTo(topic);
            byOffset.put(envelope.path("error").path("metadata").path("offset").asLong(), envelope);
        }
        assertThat(byOffset.keySet()).as("one error record per bad record").containsExactly(1L, 3L, 5L, 7L, 9L, 11L);
        assertThat(reason(byOffset.get(1L))).isEqualTo("body is not JSON");
        assertThat(byOffset.get(1L).path("original_data").asText()).isEqualTo("this is not JSON {");
        assertThat(reason(byOffset.get(3L))).as("invalid UTF-8").isEqualTo("body is not JSON");
        assertThat(byOffset.get(3L).path("original_data").asText()).startsWith("{\"id\":901");
        assertThat(reason(byOffset.get(5L))).as("10 MB").isEqualTo("transformations[0] (cast): field qty: cannot cast a string to int64");
        assertThat(byOffset.get(5L).path("original_truncated").asBoolean()).isTrue();
        assertThat(byOffset.get(5L).path("original_size").asLong()).isGreaterThan(TEN_MB);
        assertThat(byOffset.get(5L).path("original_data").asText()).startsWith("{\"id\":902,\"qty\":\"x999");
        assertThat(reason(byOffset.get(7L))).as("nesting depth 10 000 (Jackson's limit is 1000)").isEqualTo("body is not JSON");
        assertThat(reason(byOffset.get(9L))).isEqualTo("transformations[0] (cast): field qty: cannot cast a string to int64");
        assertThat(byOffset.get(9L).path("original_message").path("qty").asText()).isEqualTo("many");
        assertThat(reason(byOffset.get(11L))).as("beyond int64").isEqualTo("transformations[0] (cast): field qty: cannot cast a number to int64: out of range");
        assertThat(byOffset.get(11L).path("original_message").path("qty").bigIntegerValue())
                .isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
    }

    private static String reason(JsonNode envelope) {
        return envelope.path("error").path("message").asText();
    }

    private static byte[] goodRecord(int i) {
        return ("{\"id\":" + i + ",\"qty\":\"" + i + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> badRecords() {
        List<byte[]> bad = new ArrayList<>();
        bad.add("this is not JSON {".getBytes(StandardCharsets.UTF_8));
        bad.add(new byte[] {'{', '"', 'i', 'd', '"', ':', '9', '0', '1', ',', '"', 'q', 't', 'y', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'});
        StringBuilder big = new StringBuilder(TEN_MB + 64).append("{\"id\":902,\"qty\":\"x");
        big.append("9".repeat(TEN_MB)).append("\"}");
        bad.add(big.toString().getBytes(StandardCharsets.UTF_8));
        bad.add(("{\"id\":903,\"qty\":\"1\",\"deep\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}").getBytes(StandardCharsets.UTF_8));
        bad.add("{\"id\":904,\"qty\":\"many\"}".getBytes(StandardCharsets.UTF_8));
        bad.add("{\"id\":905,\"qty\":123456789012345678901234567890}".getBytes(StandardCharsets.UTF_8));
        return bad;
    }

    /** One partition (the order is the test's), and room for the 10 MB record and its error envelope. */
    private static void createLargeMessageTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("max.message.bytes", String.valueOf(4 * TEN_MB)))))
                    .all().get();
        }
        Kafka.awaitLeaders(topic);
    }

    private static void produce(String topic, List<byte[]> values) throws Exception {
        Properties p = Kafka.inputProducer();
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * TEN_MB);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 8L * TEN_MB);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] v : values) {
                producer.send(new ProducerRecord<>(topic, v)).get();
            }
        }
    }
}
