package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.MiniClusterJobs;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records the broker (or the producer) refuses because of their own content — larger than the topic's
 * max.message.bytes, or without a key on a compacted topic — go to the error sink with the reason, every other record
 * is written and the job finishes: with the at-least-once and with the exactly-once sink. Before, the first refusal
 * failed the task, and the replay refused the same record again: a restart loop.
 */
@RealServers(Server.KAFKA)
class KafkaRefusedRecordsITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 200;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static String unique(String name) {
        return "refused-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void createTopic(String topic, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Kafka.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1).configs(configs))).all().get();
        }
        Kafka.awaitLeaders(topic);
    }

    /** Base64 of random bytes: snappy cannot shrink it below the topic's limit. */
    private static String incompressible(int bytes) {
        byte[] random = new byte[bytes];
        new Random(42).nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }

    private static String manifest(String in, String out, String errors, String guarantee) {
        return "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + in + "\n"
                + "    consumerGroup: " + in + "\n    bounded: true\n"
                + "sink:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + out + "\n"
                + "    deliveryGuarantee: " + guarantee + "\n    transactionalIdPrefix: " + out + "\n"
                + "errors:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + errors + "\n";
    }

    private static List<String> committed(String topic) {
        return Kafka.readAll(topic, "read_committed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void aRecordLargerThanTheTopicAllowsGoesToTheErrorSink(String guarantee) throws Exception {
        String in = unique("large-in");
        String out = unique("large-out");
        String errors = unique("large-err");
        Kafka.createTopic(in, 2);
        createTopic(out, Map.of("max.message.bytes", "4096"));
        Kafka.createTopic(errors, 1);
        String large = incompressible(12_000);
        Kafka.produce(in, RECORDS, i -> i == 77 ? "{\"id\":77,\"blob\":\"" + large + "\"}" : "{\"id\":" + i + "}");

        MiniClusterJobs.run(manifest(in, out, errors, guarantee), "it-refused-large-" + guarantee, JobCompiler.create(), 300, 0);

        List<String> written = committed(out);
        assertThat(written).as("every other record").hasSize(RECORDS - 1).doesNotHaveDuplicates()
                .noneMatch(v -> v.contains("\"id\":77"));
        List<String> refused = committed(errors);
        assertThat(refused).hasSize(1);
        JsonNode envelope = JSON.readTree(refused.get(0));
        assertThat(envelope.path("error").path("message").asText()).contains("RecordTooLargeException");
        assertThat(envelope.path("error").path("original_sink").asText()).isEqualTo("kafka");
        assertThat(envelope.path("original_message").path("id").asInt()).isEqualTo(77);
    }

    @ParameterizedTest
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void aRecordWithoutKeyOnACompactedTopicGoesToTheErrorSink(String guarantee) throws Exception {
        String in = unique("compact-in");
        String out = unique("compact-out");
        String errors = unique("compact-err");
        Kafka.createTopic(in, 1);
        createTopic(out, Map.of("cleanup.policy", "compact"));
        Kafka.createTopic(errors, 1);
        List<String[]> input = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            input.add(new String[] {i == 42 ? null : "k-" + i, "{\"id\":" + i + "}"});
        }
        Kafka.produceKeyed(in, input);

        MiniClusterJobs.run(manifest(in, out, errors, guarantee), "it-refused-nokey-" + guarantee, JobCompiler.create(), 300, 0);

        assertThat(committed(out)).as("every keyed record, also those sent in one batch with the keyless one")
                .hasSize(RECORDS - 1).doesNotHaveDuplicates().doesNotContain("{\"id\":42}");
        List<String> refused = committed(errors);
        assertThat(refused).hasSize(1);
        JsonNode envelope = JSON.readTree(refused.get(0));
        assertThat(envelope.path("error").path("message").asText()).containsIgnoringCase("key");
        assertThat(envelope.path("original_message").path("id").asInt()).isEqualTo(42);
    }

    /** Without an error sink a refused record still fails the job (nothing is dropped silently). */
    @Test
    void withoutAnErrorSinkARefusedRecordFailsTheJob() throws Exception {
        String in = unique("noerr-in");
        String out = unique("noerr-out");
        Kafka.createTopic(in, 1);
        createTopic(out, Map.of("cleanup.policy", "compact"));
        Kafka.produceKeyed(in, List.<String[]>of(new String[] {"a", "{\"id\":1}"}, new String[] {null, "{\"id\":2}"}));
        String yaml = manifest(in, out, "unused", "at-least-once");
        String withoutErrors = yaml.substring(0, yaml.indexOf("errors:"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        MiniClusterJobs.run(withoutErrors, "it-refused-noerr", JobCompiler.create(), 300, 0))
                .hasStackTraceContaining("key");
    }

    /**
     * A refused binary record whose envelope would grow past the error sink's 1 MB limit (control characters are
     * six-byte JSON escapes): the envelope is cut to fit, so the error sink takes it and the job finishes.
     */
    @Test
    void theEnvelopeOfAHugeRefusedRecordFitsTheErrorSink() throws Exception {
        String in = unique("huge-in");
        String out = unique("huge-out");
        String errors = unique("huge-err");
        Kafka.createTopic(in, 1);
        createTopic(out, Map.of("max.message.bytes", "4096"));
        Kafka.createTopic(errors, 1);
        byte[] binary = new byte[600_000];
        Random random = new Random(3);
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (1 + random.nextInt(31));
        }
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                Kafka.inputProducer(), new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(in, "small".getBytes(), "{\"id\":1}".getBytes())).get();
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(in, "huge".getBytes(), binary)).get();
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(in, "small".getBytes(), "{\"id\":2}".getBytes())).get();
        }

        MiniClusterJobs.run(manifest(in, out, errors, "at-least-once"), "it-refused-huge", JobCompiler.create(), 300, 0);

        assertThat(committed(out)).containsExactly("{\"id\":1}", "{\"id\":2}");
        List<String> refused = committed(errors);
        assertThat(refused).hasSize(1);
        JsonNode envelope = JSON.readTree(refused.get(0));
        assertThat(envelope.path("original_truncated").asBoolean()).isTrue();
        assertThat(envelope.path("original_size").asInt()).isEqualTo(binary.length);
        assertThat(envelope.path("error").path("message").asText()).contains("RecordTooLargeException");
    }
}
