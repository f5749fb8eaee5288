package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;

import java.util.List;
import java.util.Optional;

/** Connector type {@code kafka}: a partition-parallel source and a producer sink (docs/ORIGINAL.md#kafka). */
public final class KafkaConnectorFactory implements ConnectorFactory {

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public String description() {
        return "Apache Kafka: reads one topic (positions in Flink checkpoints, committed to the consumer group for "
                + "monitoring) and writes one topic (flushed on every checkpoint, or exactly-once with transactions committed "
                + "when a checkpoint completes)";
    }

    @Override
    public List<ConfigField<?>> sourceOptions() {
        return KafkaOptions.SOURCE;
    }

    @Override
    public List<ConfigField<?>> sinkOptions() {
        return KafkaOptions.SINK;
    }

    @Override
    public void validateSource(ConfigValues config, ValidationErrors errors) {
        KafkaValidation.validateSource(config, errors);
    }

    @Override
    public void validateSink(ConfigValues config, ValidationErrors errors) {
        KafkaValidation.validateSink(config, errors);
    }

    /** Partitions are spread over the subtasks. */
    @Override
    public boolean isParallelSource(ConfigValues config) {
        return true;
    }

    @Override
    public SourceConnector createSource(ConfigValues config, ConnectorContext context) {
        return new KafkaSourceConnector(config.get(KafkaOptions.TOPIC), config.get(KafkaOptions.BOUNDED),
                KafkaClientProperties.forConsumer(config), context, AvroPayloadDecoder.of(config),
                StartPosition.parse(config.get(KafkaOptions.START_FROM)), config.get(KafkaOptions.PARTITION_DISCOVERY_INTERVAL),
                KafkaClientProperties.forAdmin(config));
    }

    @Override
    public Optional<String> fieldRequiringCheckpointing(ConfigValues config) {
        return isExactlyOnce(config) ? Optional.of(config.pathOf(KafkaOptions.DELIVERY_GUARANTEE)) : Optional.empty();
    }

    @Override
    public SinkConnector createSink(ConfigValues config, ConnectorContext context) {
        String topic = config.get(KafkaOptions.TOPIC);
        RecordKeys keys = config.getOptional(KafkaOptions.KEY).map(RecordKeys::byPath).orElseGet(RecordKeys::byMetadata);
        if (!isExactlyOnce(config)) {
            return new KafkaSinkConnector(topic, KafkaClientProperties.forProducer(config), KafkaClientProperties.forAdmin(config), keys,
                    flushEvery(config));
        }
        String prefix = config.getOptional(KafkaOptions.TRANSACTIONAL_ID_PREFIX)
                .orElseGet(() -> TransactionalIds.defaultPrefix(context.jobName(), context.role()));
        return new KafkaExactlyOnceSinkConnector(topic, KafkaClientProperties.forProducer(config), KafkaClientProperties.forAdmin(config),
                prefix, context.subtaskIndex(), context.parallelism(), keys);
    }

    /** async: false sends synchronously (flush after every record); else flushMessages, 0 = on checkpoints only. */
    static int flushEvery(ConfigValues config) {
        if (!config.get(KafkaOptions.ASYNC)) {
            return 1;
        }
        return config.getOptional(KafkaOptions.FLUSH_MESSAGES).orElse(0);
    }

    private static boolean isExactlyOnce(ConfigValues config) {
        return KafkaOptions.EXACTLY_ONCE.equals(config.get(KafkaOptions.DELIVERY_GUARANTEE));
    }
}
