package io.dataflow.flink.connector.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.Kafka;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The original's {@code async: false} (sync producer) and {@code flushMessages}: records are on the broker when
 * {@code write} returns (every record, or every N-th), without waiting for a checkpoint's flush. The producer is told to
 * linger a minute with a large batch, so a record found on the broker was sent by the sink's own flush.
 */
@RealServers(Server.KAFKA)
class KafkaSinkFlushModesITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LINGER = ",\"flushFrequency\":\"60s\",\"flushBytes\":1048576";

    private final KafkaConnectorFactory factory = new KafkaConnectorFactory();

    @Test
    void asyncFalseSendsEveryRecordBeforeWriteReturns() throws Exception {
        String topic = "it-sync-" + UUID.randomUUID().toString().substring(0, 8);
        Kafka.createTopic(topic, 1);
        try (SinkConnector sink = sink(topic, ",\"async\":false")) {
            sink.write(Message.of("{\"id\":1}"));
            assertThat(Kafka.readAll(topic)).as("on the broker after the first write").containsExactly("{\"id\":1}");
            sink.write(Message.of("{\"id\":2}"));
            assertThat(Kafka.readAll(topic)).containsExactly("{\"id\":1}", "{\"id\":2}");
        }
    }

    @Test
    void flushMessagesSendsEveryNRecords() throws Exception {
        String topic = "it-flush-n-" + UUID.randomUUID().toString().substring(0, 8);
        Kafka.createTopic(topic, 1);
        try (SinkConnector sink = sink(topic, ",\"flushMessages\":3")) {
            for (int i = 1; i <= 6; i++) {
                sink.write(Message.of("{\"id\":" + i + "}"));
            }
            assertThat(Kafka.readAll(topic)).as("two flushes of three").hasSize(6);
        }
    }

    @Test
    void exactlyOnceRefusesSyncSendsAndFlushMessages() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        String json = "{\"brokers\":\"" + Kafka.bootstrap() + "\",\"topic\":\"t\",\"deliveryGuarantee\":\"exactly-once\","
                + "\"async\":false,\"flushMessages\":10}";
        ConfigValues c = ConfigValidator.validate("sink.config", JSON.readTree(json), factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        assertThat(errors.list()).extracting(Object::toString).anySatisfy(e -> assertThat(e).startsWith("sink.config.async: false cannot be used"))
                .anySatisfy(e -> assertThat(e).startsWith("sink.config.flushMessages: cannot be used"));
    }

    private SinkConnector sink(String topic, String extra) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        String json = "{\"brokers\":\"" + Kafka.bootstrap() + "\",\"topic\":\"" + topic + "\"" + LINGER + extra + "}";
        ConfigValues c = ConfigValidator.validate("sink.config", JSON.readTree(json), factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        assertThat(errors.list()).isEmpty();
        SinkConnector sink = factory.createSink(c, new ConnectorContext("it", "sink", 0, 1, new UnregisteredMetricsGroup()));
        sink.connect();
        return sink;
    }
}
