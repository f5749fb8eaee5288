package io.dataflow.flink.connector.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

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
        int producerLimit = Math.min(TopicSettings.intOr(producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 1024 * 1024),
                (int) Math.min(Integer.MAX_VALUE, longOr(producer.get(ProducerConfig.BUFFER_MEMORY_CONFIG), 32L * 1024 * 1024)));
        TopicSettings settings;
        try {
            settings = TopicSettings.read(topic, admin);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            LOG.warn("Cannot read the configuration of Kafka topic {} ({}); records the broker refuses will fail the transaction "
                    + "instead of going to the error sink", topic, e.toString());
            settings = new TopicSettings(false, Integer.MAX_VALUE);
        }
        return new TopicLimits(topic, compression, producerLimit, settings.compacted(), settings.maxMessageBytes());
    }

    /** The topic's max.message.bytes, or Integer.MAX_VALUE when unknown. */
    int topicLimit() {
        return topicLimit;
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

    private static long longOr(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
