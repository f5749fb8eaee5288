package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.connector.LifecycleGuard;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.RefusedRecordListener;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.message.Message;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code deliveryGuarantee: exactly-once}: writes the records between two checkpoints in one Kafka transaction and
 * commits it when the later checkpoint completes (two-phase commit, as Flink's own KafkaSink does). Consumers with
 * {@code isolation.level=read_committed} therefore see exactly the records whose source positions are in a
 * completed checkpoint: a restart replays the rest into a new transaction, and the old one is aborted.
 *
 * <ul>
 *   <li>write: the first record after a checkpoint begins a transaction (no records, no transaction) on an id and
 *       producer of the subtask's {@link TransactionPool}, which uses them again once their transaction committed;</li>
 *   <li>{@link #snapshotState}: flushes and pre-commits it; it is kept, with the checkpoint id, in the checkpoint;</li>
 *   <li>{@link #checkpointComplete}: commits every pre-committed transaction up to that checkpoint;</li>
 *   <li>after a restart {@link #connect()} first commits the restored ones still open and aborts what the failed
 *       attempt left open ({@link TransactionRecovery}).</li>
 * </ul>
 * Transactional ids are {@link TransactionalIds}, owned as {@link TransactionOwnership} says, also after a rescale.
 * All methods run on the task thread.
 *
 * <p>Records Kafka would refuse because of their own content are found before they are sent ({@link TopicLimits}:
 * too large for the producer or the topic, no key on a compacted topic) and go to the error sink; the transaction
 * never sees them. A record the broker refuses all the same (the topic's configuration changed, a compressed batch
 * over max.message.bytes) makes the transaction abortable: the flush fails, the transaction is aborted and the task
 * restarts from the last checkpoint, as for any other send error.
 */
public final class KafkaExactlyOnceSinkConnector extends LifecycleGuard implements SinkConnector {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaExactlyOnceSinkConnector.class);

    private final String topic;
    private final KafkaClientProperties producerProperties;
    private final KafkaClientProperties adminProperties;
    private final String prefix;
    private final int subtask;
    private final int parallelism;
    private final RecordKeys keys;
    private RefusedRecordListener listener;
    private TopicLimits limits;

    private long restoredCheckpointId;
    private List<PendingTransaction> restored = List.of();
    private List<OwnedSubtaskState> restoredOwners = List.of();
    private TransactionOwnership ownership;
    private TransactionPool pool;
    private KafkaTransaction current;
    /** Pre-committed transactions by the checkpoint that holds them, waiting for that checkpoint to complete. */
    private final TreeMap<Long, Prepared> preCommitted = new TreeMap<>();
    private boolean connected;

    public KafkaExactlyOnceSinkConnector(String topic, KafkaClientProperties producerProperties, KafkaClientProperties adminProperties,
                                         String prefix, int subtask, int parallelism, RecordKeys keys) {
        this.topic = topic;
        this.keys = keys;
        this.producerProperties = producerProperties;
        this.adminProperties = adminProperties;
        this.prefix = prefix;
        this.subtask = subtask;
        this.parallelism = parallelism;
    }

    @Override
    public boolean requiresCheckpointing() {
        return true;
    }

    @Override
    public void setRefusedRecordListener(RefusedRecordListener listener) {
        this.listener = listener;
    }

    @Override
    public void restoreState(long restoredCheckpointId, List<byte[]> entries) {
        List<PendingTransaction> pending = new ArrayList<>();
        List<OwnedSubtaskState> owners = new ArrayList<>();
        for (byte[] bytes : entries) {
            if (OwnedSubtaskState.isOwnedSubtaskState(bytes)) {
                OwnedSubtaskState owner = OwnedSubtaskState.decode(bytes);
                owners.add(owner);
                pending.addAll(owner.pending());
            } else {
                // A checkpoint of the version before the transaction pool: one pending transaction per entry.
                pending.add(PendingTransaction.decode(bytes));
            }
        }
        this.restored = List.copyOf(pending);
        this.restoredOwners = List.copyOf(owners);
        this.restoredCheckpointId = restoredCheckpointId;
    }

    @Override
    public void connect() throws Exception {
        if (!guardConnect()) {
            throw new ConnectorClosedException();
        }
        try {
            ownership = TransactionOwnership.of(subtask, parallelism, restoredOwners);
            TransactionalIds ids = new TransactionalIds(prefix, ownership.namingSubtask());
            LOG.info("Connecting to Kafka (exactly-once): brokers={}, topic={}, transactional ids {}-{}-pool-<n>, owning the ids of {}, "
                            + "restored checkpoint {} with {} pre-committed transaction(s)", producerProperties.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG),
                    topic, prefix, ids.subtask(), ownership, restoredCheckpointId, restored.size());
            try {
                new TransactionRecovery(producerProperties, adminProperties, prefix, ownership, topic).recover(restoredCheckpointId, restored);
            } catch (Exception e) {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof AuthenticationException) {
                        throw new IllegalStateException("cannot connect to Kafka " + producerProperties.describeConnection()
                                + " to write topic " + topic + ": " + t.getMessage(), e);
                    }
                }
                throw e;
            }
            restored = List.of();
            restoredOwners = List.of();
            limits = TopicLimits.of(topic, producerProperties, adminProperties);
            pool = new TransactionPool(BatchSize.forTopic(producerProperties, limits.topicLimit()), ids, topic);
            connected = true;
            LOG.info("Successfully connected to Kafka (exactly-once): topic={}", topic);
        } finally {
            unlock();
        }
    }

    @Override
    public void write(Message message) throws Exception {
        if (!connected) {
            throw new IllegalStateException("Kafka sink written before connect (topic " + topic + ")");
        }
        ProducerRecord<byte[], byte[]> record = KafkaRecordMessages.toRecord(topic, message, keys);
        String refusal = limits.refusal(record);
        if (refusal != null) {
            if (listener == null) {
                throw new IOException("failed to send message to Kafka topic " + topic + ": " + refusal);
            }
            LOG.warn("{}; the record goes to the error sink", refusal);
            listener.refused(message, refusal);
            return;
        }
        if (current == null) {
            current = pool.begin();
        }
        current.send(record);
    }

    @Override
    public void flush() throws Exception {
        if (current != null) {
            current.flush();
        }
    }

    @Override
    public List<byte[]> snapshotState(long checkpointId) throws Exception {
        if (current != null) {
            preCommitted.put(checkpointId, new Prepared(current, current.preCommit(checkpointId)));
            current = null;
        }
        List<PendingTransaction> pending = preCommitted.values().stream().map(Prepared::pending).toList();
        List<byte[]> state = new ArrayList<>();
        ownership.snapshot(pending).forEach(owner -> state.add(owner.encode()));
        return state;
    }

    /**
     * A failed commit fails the task: the job restarts from this (completed) checkpoint and {@link TransactionRecovery}
     * commits the transaction then.
     */
    @Override
    public void checkpointComplete(long checkpointId) {
        Map<Long, Prepared> done = preCommitted.headMap(checkpointId, true);
        while (!done.isEmpty()) {
            Map.Entry<Long, Prepared> first = preCommitted.firstEntry();
            KafkaTransaction transaction = first.getValue().transaction();
            transaction.commit();
            pool.release(transaction);
            preCommitted.remove(first.getKey());
        }
    }

    /**
     * Aborts the open transaction (its records are replayed after a restart) and closes the pool's producers; pre-committed
     * transactions stay open, since their checkpoint may complete and a restarted job commits them.
     */
    @Override
    public void close() {
        if (guardClose()) {
            return;
        }
        try {
            if (current != null) {
                try {
                    current.abort();
                } catch (RuntimeException e) {
                    LOG.warn("Aborting Kafka transaction {} on close failed (the next start aborts it): {}", current.transactionalId(), e.toString());
                }
                current = null;
            }
            preCommitted.clear();
            if (pool != null) {
                pool.close();
            }
        } finally {
            unlock();
        }
    }

    @Override
    public String toString() {
        return "KafkaExactlyOnceSinkConnector{topic=" + topic + ", transactionalIdPrefix=" + prefix + ", subtask=" + subtask + "}";
    }

    private record Prepared(KafkaTransaction transaction, PendingTransaction pending) {
    }
}
