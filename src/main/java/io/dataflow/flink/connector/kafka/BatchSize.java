package io.dataflow.flink.connector.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The producer's batch.size when the manifest sets no {@code flushBytes}: 128 KiB, capped at the topic's
 * max.message.bytes.
 *
 * <p>Why larger than kafka-clients' 16 KiB: at 16 KiB a partition taking 1 KB records sends a batch every 16 records,
 * and the per-batch work (the request, the compression, the acknowledgement) was about 7 % of a postgres-to-kafka run's
 * CPU (docs/BENCHMARKS.md, issue 21). A batch still leaves after linger.ms when it does not fill, so nothing waits
 * longer at low rates.
 *
 * <p>Why capped: the broker refuses a batch larger than the topic's max.message.bytes whole, and kafka-clients splits
 * it into batches of batch.size again, so a batch.size above the limit sends the same refused batch until
 * delivery.timeout.ms and a topic with a small limit never gets its records. At or below the limit every batch of more
 * than one record fits, and a record alone in its batch that does not is refused as too large, which the sinks report.
 * When the limit cannot be read, kafka-clients' default stays.
 */
final class BatchSize {

    private static final Logger LOG = LoggerFactory.getLogger(BatchSize.class);

    static final int PREFERRED = 128 * 1024;

    private BatchSize() {
    }

    /** {@code producer} with the batch size for a topic whose max.message.bytes is {@code topicLimit} (MAX_VALUE: unknown). */
    static KafkaClientProperties forTopic(KafkaClientProperties producer, int topicLimit) {
        if (isSet(producer) || topicLimit == Integer.MAX_VALUE) {
            return producer;
        }
        return producer.with(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(Math.min(PREFERRED, topicLimit)));
    }

    /** {@code producer} with the batch size for {@code topic}, whose limit it reads with the admin client when needed. */
    static KafkaClientProperties forTopic(String topic, KafkaClientProperties producer, KafkaClientProperties admin) {
        if (isSet(producer)) {
            return producer;
        }
        try {
            return forTopic(producer, TopicSettings.read(topic, admin).maxMessageBytes());
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            LOG.info("Cannot read max.message.bytes of Kafka topic {} ({}); the producer keeps kafka-clients' batch.size", topic, e.toString());
            return producer;
        }
    }

    private static boolean isSet(KafkaClientProperties producer) {
        return producer.get(ProducerConfig.BATCH_SIZE_CONFIG) != null;
    }
}
