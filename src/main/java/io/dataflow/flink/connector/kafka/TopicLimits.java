package io.dataflow.flink.connector.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the exactly-once sink checks before it sends a record into a transaction. A record Kafka refuses inside a
 * transaction — even one the producer refuses itself, before sending (it moves the transaction to an abortable
 * state in {@code KafkaProducer.doSend}) — dooms the whole transaction; refusing it here keeps the transaction
 * intact. The checks are the producer's own size check (the same upper-bound estimate against
 * max.request.size and buffer.memory) and the broker's rules known from the topic's configuration: no key on a
 * compacted topic, and max.message.bytes — compared with the uncompressed size, since the compressed size is only
 * known after batching: a compressible record above the limit is refused although it might have fitted.
 */
final class TopicLimits {

    private static final Logger LOG = LoggerFactory.getLogger(TopicLimits.class);

    private final String topic;
    private final CompressionType compression;
    private final int producerLimit;
    private final boolean compacted;
    /** The topic's max.message.bytes, or Integer.MAX_VALUE when unknown. */
    private final int topicLimit;

    private TopicLimits(String topic, CompressionType compression, int producerLimit, boolean compacted, int topicLimit) {
        this.topic = topic;
        this.compression = compression;
        this.producerLimit = producerLimit;
        this.compacted = compacted;
        this.topicLimit = topicLimit;
    }

    /**
     * Reads the topic's cleanup.policy and max.message.bytes. When they cannot be read (no DescribeConfigs
     * permission, a topic created on first write) only the producer's limit is checked, and a broker refusal fails
     * the transaction as before.
     */
    static TopicLimits of(String topic, KafkaClientProperties producer, KafkaClientProperties admin) {
        String compressionName = producer.get(ProducerConfig.COMPRESSION_TYPE_CONFIG);
        CompressionType compression = compressionName == null ? CompressionType.NONE : CompressionType.forName(compressionName);
        int producerLimit = Math.min(intOr(producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 1024 * 1024),
                (int) Math.min(Integer.MAX_VALUE, longOr(producer.get(ProducerConfig.BUFFER_MEMORY_CONFIG), 32L * 1024 * 1024)));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin client = Admin.create(admin.toProperties())) {
            Map<ConfigResource, Config> configs = client.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS);
            Config config = configs.get(resource);
            ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            ConfigEntry maxMessage = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            boolean compacted = policy != null && policy.value() != null && policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT);
            int topicLimit = maxMessage == null ? Integer.MAX_VALUE : intOr(maxMessage.value(), Integer.MAX_VALUE);
            return new TopicLimits(topic, compression, producerLimit, compacted, topicLimit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the configuration of Kafka topic " + topic, e);
        } catch (Exception e) {
            LOG.warn("Cannot read the configuration of Kafka topic {} ({}); records the broker refuses will fail the transaction "
                    + "instead of going to the error sink", topic, e.toString());
            return new TopicLimits(topic, compression, producerLimit, false, Integer.MAX_VALUE);
        }
    }

    /** Why Kafka would refuse {@code record}, or null when it would not as far as known. */
    String refusal(ProducerRecord<byte[], byte[]> record) {
        if (compacted && record.key() == null) {
            return "Kafka refuses the record for topic " + topic + ": InvalidRecordException: the topic is compacted "
                    + "(cleanup.policy compact) and the record has no key";
        }
        int size = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, compression, record.key(), record.value(),
                record.headers().toArray());
        if (size > producerLimit) {
            return "Kafka refuses the record for topic " + topic + ": RecordTooLargeException: the record is too large: " + size
                    + " bytes serialized, more than the producer's max.request.size / buffer.memory of " + producerLimit;
        }
        if (size > topicLimit) {
            return "Kafka refuses the record for topic " + topic + ": RecordTooLargeException: the record is too large: " + size
                    + " bytes serialized (before compression), more than the topic's max.message.bytes of " + topicLimit;
        }
        return null;
    }

    private static int intOr(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long longOr(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
