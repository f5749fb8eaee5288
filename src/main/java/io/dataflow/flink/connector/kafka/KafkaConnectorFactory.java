package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.manifest.Config;
import io.dataflow.flink.manifest.ConfigOption;
import io.dataflow.flink.manifest.ValidationErrors;

import java.util.List;

/** Connector type {@code kafka}: a partition-parallel source and a producer sink (reference §4.1). */
public final class KafkaConnectorFactory implements ConnectorFactory {

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public String description() {
        return "Apache Kafka: reads one topic (positions in Flink checkpoints, committed to the consumer group for "
                + "monitoring) and writes one topic (flushed on every checkpoint)";
    }

    @Override
    public boolean isSource() {
        return true;
    }

    @Override
    public boolean isSink() {
        return true;
    }

    @Override
    public List<ConfigOption<?>> sourceOptions() {
        return KafkaOptions.SOURCE;
    }

    @Override
    public List<ConfigOption<?>> sinkOptions() {
        return KafkaOptions.SINK;
    }

    @Override
    public void validateSource(Config config, ValidationErrors errors) {
        KafkaValidation.validateSource(config, errors);
    }

    @Override
    public void validateSink(Config config, ValidationErrors errors) {
        KafkaValidation.validateSink(config, errors);
    }

    /** Partitions are spread over the subtasks. */
    @Override
    public boolean isParallelSource(Config config) {
        return true;
    }

    @Override
    public SourceConnector createSource(Config config, ConnectorContext context) {
        return new KafkaSourceConnector(config.get(KafkaOptions.TOPIC), config.get(KafkaOptions.BOUNDED),
                KafkaClientProperties.forConsumer(config), context);
    }

    @Override
    public SinkConnector createSink(Config config, ConnectorContext context) {
        return new KafkaSinkConnector(config.get(KafkaOptions.TOPIC), KafkaClientProperties.forProducer(config));
    }
}
