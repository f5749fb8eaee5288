package io.dataflow.flink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataflow.flink.compile.JobCompiler;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded job from Kafka into one sink, with a Kafka topic as its error sink, run on the test's MiniCluster with no
 * restart allowed: the shape of the sinks' schemaEvolution tests. The input topic has 2 partitions and the job
 * {@code replicas: 2}, so that both writer subtasks meet the same records' needs at about the same time.
 */
public final class KafkaToSinkJob {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KafkaToSinkJob() {
    }

    /**
     * Creates {@code topic} and {@code topic-errors}, produces the records to {@code topic}, runs the job to its end
     * and reads the error sink.
     *
     * @param sinkConfig the sink's {@code config:} lines, each indented by four spaces and ending in a newline
     * @return the error sink's reason per refused record, by the record's {@code id} field; fails the test when a
     *         record is refused twice
     */
    public static Map<Long, String> refusalsById(String topic, int records, IntFunction<String> key,
                                                 IntFunction<String> value, String sinkType, String sinkConfig,
                                                 long checkpointMillis) throws Exception {
        String errorTopic = topic + "-errors";
        Kafka.createTopic(topic, 2);
        Kafka.createTopic(errorTopic, 1);
        Kafka.produce(topic, records, key, value);

        String manifest = "replicas: 2\n"
                + "source:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + topic + "\n"
                + "    consumerGroup: it-" + topic + "\n    bounded: true\n"
                + "sink:\n  type: " + sinkType + "\n  config:\n" + sinkConfig
                + "errors:\n  type: kafka\n  config:\n    brokers: [\"" + Kafka.bootstrap() + "\"]\n    topic: " + errorTopic + "\n";
        MiniClusterJobs.run(manifest, "it-" + topic, JobCompiler.create(), checkpointMillis, 0);

        Map<Long, String> refusals = new TreeMap<>();
        for (String text : Kafka.readAll(errorTopic)) {
            JsonNode envelope = JSON.readTree(text);
            long id = envelope.path("original_message").path("id").asLong();
            assertThat(refusals.put(id, envelope.path("error").path("message").asText())).as("record " + id + " once").isNull();
        }
        return refusals;
    }
}
