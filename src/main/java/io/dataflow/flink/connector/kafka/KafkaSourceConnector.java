package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.connector.ReadWriteLifecycleGuard;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.connector.SourceBatch;
import io.dataflow.flink.connector.SourceConnector;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.message.SourceRejections;
import org.apache.flink.metrics.Gauge;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads one topic with a {@link KafkaConsumer} that is assigned its partitions directly (no group rebalancing):
 * subtask {@code i} of {@code n} reads the partitions whose number modulo {@code n} is {@code i}. Flink's checkpoints
 * hold the position; the consumer group only supplies the start position of a job whose state knows nothing of the
 * topic, and receives the offsets of every completed checkpoint, so that lag shows up in the usual Kafka tools.
 *
 * <p>Where a partition starts (docs/KAFKA.md, "Start position"): the runtime hands every subtask the snapshots of
 * all former subtasks (union state), so a partition the state knows resumes at its snapshotted offset at any new
 * parallelism, whatever the group's offset says. A partition the state does not know although it knows the topic
 * appeared after the snapshot and is read from its earliest offset, as discovery would have read it; its group
 * offset may come from a later run of the job (a rollback to an older savepoint) and is not used. Only when the state
 * knows nothing of the topic does a partition start at the group's committed offset, else at {@code startFrom}.
 *
 * <p>Partitions added while the job runs: every {@code partitionDiscoveryInterval} (unbounded sources only) the
 * subtask asks an admin client for the topic's partitions and takes the new ones it owns by the same modulo rule,
 * from their earliest offset, so each new partition is read by exactly one subtask. The admin client, not the
 * consumer, asks because the consumer answers from metadata it caches for up to five minutes.
 *
 * <p>Threads: {@link #poll()} runs on the source thread and is the only user of the consumer (which is not
 * thread-safe) and of the admin client. {@link #snapshotPosition} and {@link #checkpointComplete} run on the task
 * thread; they only read the published partition list and concurrent maps and hand the commit to the next poll.
 * {@link #close()} may run on any thread: it wakes a blocked poll first, then takes the write lock that poll holds
 * for reading.
 */
public final class KafkaSourceConnector extends ReadWriteLifecycleGuard implements SourceConnector {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSourceConnector.class);

    static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** How long connect waits for the topic's metadata before it fails (a topic created just before the job). */
    static final Duration TOPIC_WAIT = Duration.ofSeconds(10);
    private static final Duration CLIENT_CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final String topic;
    private final boolean bounded;
    private final KafkaClientProperties properties;
    private final ConnectorContext context;
    private final AvroPayloadDecoder avro;
    private final StartPosition startFrom;

    private final Duration partitionDiscoveryInterval;
    private final KafkaClientProperties adminProperties;

    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Admin admin;
    private long nextDiscoveryNanos;
    /** Offsets per partition from the restored state; empty when the state knows nothing of this topic. */
    private Optional<SortedMap<Integer, Long>> restored = Optional.empty();
    /** The partitions this subtask reads, replaced (never changed in place) when discovery adds some. */
    private volatile List<TopicPartition> owned = List.of();
    private Map<TopicPartition, Long> endOffsets = Map.of();
    private final Set<TopicPartition> finished = new HashSet<>();

    /** Next offset per owned partition, as far as emitted; advanced only by {@link SourceBatch#markEmitted()}. */
    private final Map<TopicPartition, Long> nextOffsets = new ConcurrentHashMap<>();
    /** What each pending checkpoint snapshotted, to commit once that checkpoint is complete. */
    private final ConcurrentSkipListMap<Long, Map<TopicPartition, OffsetAndMetadata>> snapshotted = new ConcurrentSkipListMap<>();
    /**
     * Records in the owned partitions after the consumer's position, from the poll thread's last look (-1 until every
     * partition's end is known): the {@code pendingRecords} gauge, FLIP-33's name for a source's backlog.
     */
    private volatile long lag = -1;
    /**
     * The same per owned partition ({@code dataflow_kafka_consumer_lag{topic,partition}}; -1 while its end is not
     * known); a partition's gauge is registered the first time the poll thread looks at it.
     */
    private final Map<Integer, Long> partitionLags = new ConcurrentHashMap<>();
    /** Offsets of the latest completed checkpoint, waiting for the poll thread to commit them. */
    private final AtomicReference<Map<TopicPartition, OffsetAndMetadata>> commitRequest = new AtomicReference<>();

    public KafkaSourceConnector(String topic, boolean bounded, KafkaClientProperties properties, ConnectorContext context) {
        this(topic, bounded, properties, context, null, StartPosition.EARLIEST, Duration.ZERO, null);
    }

    /**
     * @param avro decodes each value (format avro), or null to pass values through (format json)
     * @param startFrom where a partition starts when the state knows nothing of the topic and the group has no offset
     * @param partitionDiscoveryInterval how often an unbounded source looks for new partitions; zero: never
     * @param adminProperties the admin client's properties, for discovery (may be null when it is off)
     */
    KafkaSourceConnector(String topic, boolean bounded, KafkaClientProperties properties, ConnectorContext context,
                         AvroPayloadDecoder avro, StartPosition startFrom, Duration partitionDiscoveryInterval,
                         KafkaClientProperties adminProperties) {
        this.partitionDiscoveryInterval = partitionDiscoveryInterval;
        this.adminProperties = adminProperties;
        this.startFrom = startFrom;
        this.topic = topic;
        this.bounded = bounded;
        this.properties = properties;
        this.context = context;
        this.avro = avro;
    }

    @Override
    public void restorePositions(List<byte[]> positions) {
        // Every snapshot is decoded now so that a corrupt one fails the restore, not a later connect.
        this.restored = PartitionOffsets.known(positions, topic);
    }

    @Override
    public void connect() {
        if (!guardConnect()) {
            throw new ConnectorClosedException();
        }
        try {
            LOG.info("Connecting to Kafka: brokers={}, topic={}, group={}, subtask {}/{}, bounded={}, startFrom={}, "
                            + "partitionDiscoveryInterval={}, restored partitions={}",
                    properties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG), topic, properties.get(ConsumerConfig.GROUP_ID_CONFIG),
                    context.subtaskIndex(), context.parallelism(), bounded, startFrom, discovers() ? partitionDiscoveryInterval : "off",
                    restored.map(SortedMap::keySet).map(Object::toString).orElse("none of this topic"));
            KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(properties.toProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer = c;
            List<Integer> partitions;
            try {
                partitions = partitionsOfTopic(c);
            } catch (AuthenticationException e) {
                // Wrong credentials or certificates: say where and as whom, never with what secret.
                throw new IllegalStateException("cannot connect to Kafka " + properties.describeConnection() + " to read topic "
                        + topic + ": " + e.getMessage(), e);
            }
            List<TopicPartition> mine = PartitionOffsets.ownedPartitions(partitions, context.subtaskIndex(), context.parallelism())
                    .stream().map(p -> new TopicPartition(topic, p)).toList();
            c.assign(mine);
            if (context.metrics() != null) {
                context.metrics().gauge("pendingRecords", (Gauge<Long>) () -> lag);
            }
            Map<TopicPartition, Long> start = startOffsets(c, mine);
            start.forEach(c::seek);
            nextOffsets.putAll(start);
            owned = mine;
            if (discovers()) {
                admin = Admin.create(adminProperties.toProperties());
                nextDiscoveryNanos = System.nanoTime() + partitionDiscoveryInterval.toNanos();
            }
            if (bounded) {
                endOffsets = c.endOffsets(owned, CLIENT_CALL_TIMEOUT);
            }
            LOG.info("Successfully connected to Kafka: topic={}, partitions={}, start offsets={}{}", topic,
                    owned.stream().map(TopicPartition::partition).toList(), byPartition(start),
                    bounded ? ", end offsets=" + byPartition(endOffsets) : "");
        } finally {
            unlock();
        }
    }

    private List<Integer> partitionsOfTopic(KafkaConsumer<byte[], byte[]> c) {
        long deadline = System.nanoTime() + TOPIC_WAIT.toNanos();
        while (true) {
            List<PartitionInfo> infos = c.partitionsFor(topic, CLIENT_CALL_TIMEOUT);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(PartitionInfo::partition).toList();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka topic " + topic + " does not exist (brokers "
                        + properties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + ")");
            }
            sleep(Duration.ofMillis(500));
        }
    }

    private boolean discovers() {
        return !bounded && !partitionDiscoveryInterval.isZero();
    }

    /**
     * Where each partition starts: its restored offset; else, when the state knows the topic, the earliest offset
     * (the partition appeared after the snapshot); else, the state knowing nothing of the topic, the group's
     * committed offset, else {@code startFrom} (default earliest, the original's "oldest").
     */
    private Map<TopicPartition, Long> startOffsets(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> start = new HashMap<>();
        Set<TopicPartition> rest = new HashSet<>();
        for (TopicPartition tp : partitions) {
            Long offset = restored.map(known -> known.get(tp.partition())).orElse(null);
            if (offset != null) {
                start.put(tp, offset);
            } else {
                rest.add(tp);
            }
        }
        if (rest.isEmpty()) {
            return start;
        }
        if (restored.isPresent()) {
            start.putAll(c.beginningOffsets(rest, CLIENT_CALL_TIMEOUT));
            return start;
        }
        c.committed(rest, CLIENT_CALL_TIMEOUT).forEach((tp, committed) -> {
            if (committed != null) {
                start.put(tp, committed.offset());
            }
        });
        rest.removeAll(start.keySet());
        if (!rest.isEmpty()) {
            start.putAll(startFrom.offsets(c, rest, CLIENT_CALL_TIMEOUT));
        }
        return start;
    }

    /**
     * Once per interval: the topic's partitions as the brokers know them now; new ones this subtask owns are added to
     * the assignment from their earliest offset (or their restored one, should the state know a partition that the
     * metadata at connect did not list yet). A failed lookup is retried at the next interval.
     */
    private void discoverPartitions(KafkaConsumer<byte[], byte[]> c) {
        if (admin == null || System.nanoTime() < nextDiscoveryNanos) {
            return;
        }
        nextDiscoveryNanos = System.nanoTime() + partitionDiscoveryInterval.toNanos();
        List<Integer> all;
        try {
            all = admin.describeTopics(List.of(topic)).allTopicNames().get(TOPIC_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic).partitions().stream().map(TopicPartitionInfo::partition).toList();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Looking for new partitions of topic {} failed, trying again in {}: {}", topic, partitionDiscoveryInterval, e.toString());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        List<TopicPartition> current = owned;
        List<TopicPartition> added = PartitionOffsets.ownedPartitions(all, context.subtaskIndex(), context.parallelism()).stream()
                .map(p -> new TopicPartition(topic, p)).filter(tp -> !current.contains(tp)).toList();
        if (added.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> start = new HashMap<>();
        List<TopicPartition> unknown = new ArrayList<>();
        for (TopicPartition tp : added) {
            Long offset = restored.map(known -> known.get(tp.partition())).orElse(null);
            if (offset != null) {
                start.put(tp, offset);
            } else {
                unknown.add(tp);
            }
        }
        if (!unknown.isEmpty()) {
            start.putAll(c.beginningOffsets(unknown, CLIENT_CALL_TIMEOUT));
        }
        List<TopicPartition> next = new ArrayList<>(current);
        next.addAll(added);
        c.assign(next);
        start.forEach(c::seek);
        nextOffsets.putAll(start);
        owned = List.copyOf(next);
        LOG.info("Kafka source found {} new partition(s) of topic {}: now reads {} from {}", added.size(), topic,
                next.stream().map(TopicPartition::partition).toList(), byPartition(start));
    }

    @Override
    public SourceBatch poll() {
        readLock();
        try {
            KafkaConsumer<byte[], byte[]> c = consumer;
            if (isClosed()) {
                return SourceBatch.empty();
            }
            if (c == null) {
                throw new IllegalStateException("Kafka source polled before connect");
            }
            commitRequestedOffsets(c);
            discoverPartitions(c);
            if (owned.isEmpty()) {
                // More subtasks than partitions: a bounded one has nothing to do, an unbounded one waits quietly.
                lag = 0;
                if (bounded) {
                    return SourceBatch.end();
                }
                sleep(POLL_TIMEOUT);
                return SourceBatch.empty();
            }
            if (bounded && reachedEnd(c)) {
                return SourceBatch.end();
            }
            ConsumerRecords<byte[], byte[]> records = c.poll(POLL_TIMEOUT);
            lag = currentLag(c);
            return toBatch(records);
        } catch (WakeupException e) {
            return SourceBatch.empty();
        } finally {
            readUnlock();
        }
    }

    /**
     * The consumer's lag summed over the owned partitions (its cached end offsets, no request), -1 if one is unknown;
     * each partition's own lag goes to its gauge.
     */
    private long currentLag(KafkaConsumer<byte[], byte[]> c) {
        long sum = 0;
        for (TopicPartition tp : owned) {
            OptionalLong partitionLag = c.currentLag(tp);
            long value = partitionLag.orElse(-1);
            if (partitionLags.put(tp.partition(), value) == null) {
                context.series().addGroup("topic", topic).addGroup("partition", String.valueOf(tp.partition()))
                        .gauge("dataflow_kafka_consumer_lag", (Gauge<Long>) () -> partitionLags.getOrDefault(tp.partition(), -1L));
            }
            sum = sum < 0 || value < 0 ? -1 : sum + value;
        }
        return sum;
    }

    private SourceBatch toBatch(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return SourceBatch.empty();
        }
        List<Message> messages = new ArrayList<>(records.count());
        Map<TopicPartition, Long> advanced = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            Long end = endOffsets.get(tp);
            for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                if (bounded && end != null && record.offset() >= end) {
                    break; // written after the source started: not part of this bounded read
                }
                messages.add(toMessage(record));
                advanced.put(tp, record.offset() + 1);
            }
        }
        return messages.isEmpty() ? SourceBatch.empty() : SourceBatch.of(messages, () -> nextOffsets.putAll(advanced));
    }

    /**
     * The record as a message; with format avro its value decoded to JSON, or, when it does not decode, marked as
     * refused with the reason (logged with topic, partition and offset, as the original) so that it reaches the
     * error sink and the position moves past it.
     */
    private Message toMessage(ConsumerRecord<byte[], byte[]> record) {
        Message message = KafkaRecordMessages.toMessage(record);
        if (avro == null) {
            return message;
        }
        try {
            message.setData(avro.decode(record.value()));
            return message;
        } catch (AvroPayloadDecoder.UndecodableException e) {
            LOG.warn("Kafka record {}/{}/{} is not decodable Avro: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return SourceRejections.reject(message, "Avro decoding failed: " + e.getMessage());
        }
    }

    /**
     * A partition is done once what was emitted, or the consumer's position, reaches its end offset. The position
     * counts too because transaction markers and compacted-away records occupy offsets that no record reports.
     * Finished partitions are paused so that the consumer stops fetching them.
     */
    private boolean reachedEnd(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> newlyFinished = new ArrayList<>();
        for (TopicPartition tp : owned) {
            if (finished.contains(tp)) {
                continue;
            }
            long end = endOffsets.getOrDefault(tp, 0L);
            if (nextOffsets.getOrDefault(tp, 0L) >= end || c.position(tp, CLIENT_CALL_TIMEOUT) >= end) {
                newlyFinished.add(tp);
            }
        }
        if (!newlyFinished.isEmpty()) {
            c.pause(newlyFinished);
            finished.addAll(newlyFinished);
            LOG.info("Kafka source reached the end offsets of {} partition(s) {} of topic {}", newlyFinished.size(),
                    newlyFinished.stream().map(TopicPartition::partition).toList(), topic);
        }
        return finished.size() == owned.size();
    }

    private void commitRequestedOffsets(KafkaConsumer<byte[], byte[]> c) {
        Map<TopicPartition, OffsetAndMetadata> offsets = commitRequest.getAndSet(null);
        if (offsets != null && !offsets.isEmpty()) {
            c.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    // Only monitoring depends on it: the next checkpoint commits again.
                    LOG.warn("Committing offsets of topic {} to group {} failed: {}", topic,
                            properties.get(ConsumerConfig.GROUP_ID_CONFIG), error.toString());
                }
            });
        }
    }

    @Override
    public byte[] snapshotPosition(long checkpointId) {
        SortedMap<Integer, Long> offsets = new TreeMap<>();
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (TopicPartition tp : owned) {
            Long next = nextOffsets.get(tp);
            if (next != null) {
                offsets.put(tp.partition(), next);
                commit.put(tp, new OffsetAndMetadata(next));
            }
        }
        snapshotted.put(checkpointId, commit);
        return new PartitionOffsets(topic, offsets).encode();
    }

    @Override
    public void checkpointComplete(long checkpointId) {
        Map<TopicPartition, OffsetAndMetadata> offsets = snapshotted.get(checkpointId);
        // Older pending checkpoints are subsumed by this one.
        snapshotted.headMap(checkpointId, true).clear();
        if (offsets != null) {
            commitRequest.set(offsets);
        }
    }

    @Override
    public void wakeup() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void close() {
        wakeup(); // a poll blocked in the consumer holds the read lock; make it return
        if (guardClose()) {
            return;
        }
        try {
            closeAdmin();
            KafkaConsumer<byte[], byte[]> c = consumer;
            consumer = null;
            if (c != null) {
                LOG.info("Closing Kafka source connection: topic={}", topic);
                commitOnClose(c);
                c.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the Kafka consumer of topic {} failed: {}", topic, e.toString());
        } finally {
            unlock();
        }
    }

    private void closeAdmin() {
        Admin a = admin;
        admin = null;
        try {
            if (a != null) {
                a.close(CLOSE_TIMEOUT);
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the admin client of topic {} failed: {}", topic, e.toString());
        }
    }

    /** A bounded job's last checkpoint completes after its final poll: commit what is still waiting. */
    private void commitOnClose(KafkaConsumer<byte[], byte[]> c) {
        Map<TopicPartition, OffsetAndMetadata> offsets = commitRequest.getAndSet(null);
        if (offsets == null || offsets.isEmpty()) {
            return;
        }
        try {
            try {
                c.commitSync(offsets, CLOSE_TIMEOUT);
            } catch (WakeupException e) {
                c.commitSync(offsets, CLOSE_TIMEOUT); // the wakeup of close() itself, when no poll was running
            }
        } catch (RuntimeException e) {
            LOG.warn("Committing offsets of topic {} on close failed: {}", topic, e.toString());
        }
    }

    /** The partitions this subtask reads (known after connect). */
    List<Integer> ownedPartitions() {
        return owned.stream().map(TopicPartition::partition).toList();
    }

    private static Map<Integer, Long> byPartition(Map<TopicPartition, Long> offsets) {
        Map<Integer, Long> out = new TreeMap<>();
        offsets.forEach((tp, o) -> out.put(tp.partition(), o));
        return out;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "KafkaSourceConnector{topic=" + topic + ", bounded=" + bounded + ", subtask=" + context.subtaskIndex()
                + "/" + context.parallelism() + "}";
    }
}
