package io.dataflow.flink.connector.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two settings of a topic the sinks act on, as the broker applies them (a topic without its own value reports the
 * broker's): whether it is compacted, and max.message.bytes, the largest record batch it accepts.
 *
 * @param maxMessageBytes the topic's max.message.bytes, or Integer.MAX_VALUE when the broker reports none
 */
record TopicSettings(boolean compacted, int maxMessageBytes) {

    /**
     * Reads the settings with one admin request.
     *
     * @throws ExecutionException when the broker refuses (no DescribeConfigs permission, a topic that does not exist yet)
     * @throws TimeoutException    when it does not answer in 30 s
     * @throws KafkaException      when the admin client cannot be created
     */
    static TopicSettings read(String topic, KafkaClientProperties admin) throws ExecutionException, TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin client = Admin.create(admin.toProperties())) {
            Map<ConfigResource, Config> configs = client.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS);
            Config config = configs.get(resource);
            ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            ConfigEntry maxMessage = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            boolean compacted = policy != null && policy.value() != null && policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT);
            return new TopicSettings(compacted, maxMessage == null ? Integer.MAX_VALUE : intOr(maxMessage.value(), Integer.MAX_VALUE));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the configuration of Kafka topic " + topic, e);
        }
    }

    static int intOr(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
