package io.dataflow.flink.connector.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The transactional ids and producers of one exactly-once sink subtask, used again from checkpoint to checkpoint
 * (Flink's KafkaSink calls this transaction naming strategy {@code POOLING}). A new transaction takes the lowest pool
 * index whose id has no transaction in use — neither open nor pre-committed and waiting for its checkpoint — so the
 * pool holds as many ids as there are transactions in use at once: two while a checkpoint's commit is pending and
 * the next transaction is written, one more for each checkpoint whose completion arrives after the next checkpoint
 * was taken. The broker keeps every transactional id for {@code transactional.id.expiration.ms} (7 days) after its
 * last use; this keeps those at a handful per subtask instead of one per checkpoint.
 *
 * <p>An index keeps its producer: the next transaction on it calls {@code initTransactions()} again
 * ({@link ProducerInternals#allowInitTransactions}), a round trip to the coordinator instead of a new producer with
 * its connections, and gets a new epoch, so that no two transactions share a producer id and epoch. A failed
 * transaction fails the task, which closes the pool; the next attempt's producers fence what it left open. All
 * methods run on the task thread.
 */
final class TransactionPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionPool.class);

    private final KafkaClientProperties properties;
    private final TransactionalIds ids;
    private final String topic;
    /** The producer of each pool index, null where none is open (not used yet, or closed after a failure). */
    private final List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
    /** Indexes whose id has a transaction in use. */
    private final BitSet inUse = new BitSet();

    TransactionPool(KafkaClientProperties properties, TransactionalIds ids, String topic) {
        this.properties = properties;
        this.ids = ids;
        this.topic = topic;
    }

    /** Begins a transaction on the lowest free id; {@code initTransactions()} fences whatever an older producer of the id left open. */
    KafkaTransaction begin() {
        int index = inUse.nextClearBit(0);
        while (producers.size() <= index) {
            producers.add(null);
        }
        String transactionalId = ids.pooled(index);
        KafkaProducer<byte[], byte[]> producer = producers.get(index);
        boolean reused = producer != null;
        if (producer == null) {
            producer = KafkaTransaction.producer(properties, transactionalId);
            producers.set(index, producer);
        }
        try {
            if (reused) {
                ProducerInternals.allowInitTransactions(producer);
            }
            producer.initTransactions();
            producer.beginTransaction();
        } catch (RuntimeException e) {
            closeProducer(index);
            throw e;
        }
        inUse.set(index);
        LOG.debug("Began Kafka transaction {} ({} producer)", transactionalId, reused ? "reused" : "new");
        return new KafkaTransaction(transactionalId, topic, producer, index);
    }

    /** The transaction committed: its id and producer serve the next one. */
    void release(KafkaTransaction transaction) {
        inUse.clear(transaction.poolIndex());
    }

    /** Closes every producer; their transactions stay as they are (pre-committed ones open, for the restart to commit). */
    @Override
    public void close() {
        for (int i = 0; i < producers.size(); i++) {
            closeProducer(i);
        }
        inUse.clear();
    }

    private void closeProducer(int index) {
        KafkaProducer<byte[], byte[]> producer = producers.get(index);
        producers.set(index, null);
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.warn("Closing the Kafka producer of {} failed: {}", ids.pooled(index), e.toString());
            }
        }
    }
}
