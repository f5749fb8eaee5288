import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;

/**
 * Loads sample order events into a topic for the demo: java -cp <jar>:<flink-lib>/* LoadSampleEvents.java BROKERS TOPIC COUNT
 * (Java's single-file source launcher; kafka-clients comes from the project's jar).
 */
public class LoadSampleEvents {
    public static void main(String[] args) throws Exception {
        String brokers = args[0];
        String topic = args[1];
        int count = Integer.parseInt(args[2]);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers))) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            // Produce only once every partition has a leader (a fresh topic's first sends can otherwise fail).
            for (int attempt = 0; attempt < 300; attempt++) {
                try {
                    var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
                    if (partitions.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                        break;
                    }
                } catch (ExecutionException notYetKnown) {
                    // retry
                }
                Thread.sleep(100);
            }
        }
        String[] customers = {"alice@example.com", "bob@example.com", "chloé@example.com", "dan@example.com"};
        String[] statuses = {"new", "paid", "shipped", "draft"};
        Random random = new Random(42);
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Map<String, Object> config = Map.of("bootstrap.servers", brokers, "linger.ms", 5);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 1; i <= count; i++) {
                String json = String.format(
                        "{\"order_id\":%d,\"customer\":\"%s\",\"status\":\"%s\",\"amount\":%.2f,\"items\":%d,\"note\":\"sample order %d\"}",
                        i, customers[i % customers.length], statuses[random.nextInt(statuses.length)], random.nextInt(100_00) / 100.0,
                        1 + random.nextInt(5), i);
                producer.send(new ProducerRecord<>(topic, String.valueOf(i), json), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("could not load the sample events into " + topic, failure.get());
        }
        System.err.println("loaded " + count + " events into " + topic);
    }
}
