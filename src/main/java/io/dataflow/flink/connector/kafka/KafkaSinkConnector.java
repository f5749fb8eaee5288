package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.connector.BaseConnector;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.message.Message;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes every message to one topic: value = the payload as is, key = metadata {@code key} when it is a string
 * (reference §4.1). Sends are asynchronous; {@link #flush()} — called by the runtime on every checkpoint — waits for
 * all of them and fails if any failed, which makes the sink at-least-once. A failed send also fails the next
 * {@link #write}, so a broken sink stops early instead of at the next checkpoint.
 */
public final class KafkaSinkConnector extends BaseConnector implements SinkConnector {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSinkConnector.class);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final String topic;
    private final KafkaClientProperties properties;

    private volatile KafkaProducer<byte[], byte[]> producer;
    /** The first send failure since the last flush; set by the producer's I/O thread. */
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

    public KafkaSinkConnector(String topic, KafkaClientProperties properties) {
        this.topic = topic;
        this.properties = properties;
    }

    @Override
    public void connect() {
        if (!guardConnect()) {
            throw new ConnectorClosedException();
        }
        try {
            LOG.info("Connecting to Kafka: brokers={}, topic={}, compression={}, requiredAcks={}, idempotent={}",
                    properties.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG), topic, properties.get(ProducerConfig.COMPRESSION_TYPE_CONFIG),
                    properties.get(ProducerConfig.ACKS_CONFIG), properties.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
            producer = new KafkaProducer<>(properties.toProperties(), new ByteArraySerializer(), new ByteArraySerializer());
            LOG.info("Successfully connected to Kafka: topic={}", topic);
        } finally {
            unlock();
        }
    }

    @Override
    public void write(Message message) throws IOException {
        throwIfSendFailed();
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            throw new IllegalStateException("Kafka sink written before connect (topic " + topic + ")");
        }
        try {
            p.send(KafkaRecordMessages.toRecord(topic, message), (metadata, error) -> {
                if (error != null) {
                    sendFailure.compareAndSet(null, error);
                }
            });
        } catch (RuntimeException e) {
            String where = e instanceof AuthenticationException ? " at " + properties.describeConnection() : "";
            throw new IOException("failed to send message to Kafka topic " + topic + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void flush() throws IOException {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p != null) {
            p.flush();
        }
        throwIfSendFailed();
    }

    private void throwIfSendFailed() throws IOException {
        Exception failure = sendFailure.getAndSet(null);
        if (failure != null) {
            String where = failure instanceof AuthenticationException ? " at " + properties.describeConnection() : "";
            throw new IOException("failed to send message to Kafka topic " + topic + where + ": " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() {
        if (guardClose()) {
            return;
        }
        try {
            KafkaProducer<byte[], byte[]> p = producer;
            producer = null;
            if (p != null) {
                LOG.info("Closing Kafka sink connection: topic={}", topic);
                p.close(CLOSE_TIMEOUT);
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the Kafka producer of topic {} failed: {}", topic, e.toString());
        } finally {
            unlock();
        }
    }

    @Override
    public String toString() {
        return "KafkaSinkConnector{topic=" + topic + "}";
    }
}
