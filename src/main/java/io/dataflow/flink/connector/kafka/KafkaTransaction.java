package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.connector.kafka.ProducerInternals.ProducerIdAndEpoch;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One Kafka transaction on a transactional producer: records are sent into it, it is flushed and pre-committed at a
 * checkpoint, and committed when that checkpoint completes — by this object, or after a restart by {@link #resume}.
 * The producers of new transactions come from the subtask's {@link TransactionPool}, which owns and reuses them;
 * {@link #resume} makes a producer of its own that {@link #close()} closes.
 */
final class KafkaTransaction implements AutoCloseable {

    private final String transactionalId;
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    /** The index in the {@link TransactionPool} the transaction's id and producer belong to; -1 for a resumed one. */
    private final int poolIndex;
    /** The first send failure; set by the producer's I/O thread. */
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

    KafkaTransaction(String transactionalId, String topic, KafkaProducer<byte[], byte[]> producer, int poolIndex) {
        this.transactionalId = transactionalId;
        this.topic = topic;
        this.producer = producer;
        this.poolIndex = poolIndex;
    }

    /** Takes over the pre-committed transaction {@code pending} (opened by an earlier attempt) so that it can be committed. */
    static KafkaTransaction resume(KafkaClientProperties properties, PendingTransaction pending, String topic) {
        KafkaProducer<byte[], byte[]> producer = producer(properties, pending.transactionalId());
        try {
            ProducerInternals.resumeTransaction(producer, pending.producerId(), pending.epoch());
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        return new KafkaTransaction(pending.transactionalId(), topic, producer, -1);
    }

    /** Only fences: a producer that opens {@code transactionalId} and leaves, which aborts its open transaction. */
    static void abortOpenTransaction(KafkaClientProperties properties, String transactionalId) {
        try (KafkaProducer<byte[], byte[]> producer = producer(properties, transactionalId)) {
            producer.initTransactions();
        }
    }

    static KafkaProducer<byte[], byte[]> producer(KafkaClientProperties properties, String transactionalId) {
        return new KafkaProducer<>(properties.with(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId).toProperties(),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    String transactionalId() {
        return transactionalId;
    }

    int poolIndex() {
        return poolIndex;
    }

    void send(ProducerRecord<byte[], byte[]> record) throws IOException {
        throwIfSendFailed();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    sendFailure.compareAndSet(null, error);
                }
            });
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    /** Every record sent so far is written (not yet visible to read_committed consumers) when this returns. */
    void flush() throws IOException {
        producer.flush();
        throwIfSendFailed();
    }

    /** Flushes and names the transaction for the checkpoint, so that a restarted job can commit it. */
    PendingTransaction preCommit(long checkpointId) throws IOException {
        flush();
        ProducerIdAndEpoch idAndEpoch = ProducerInternals.producerIdAndEpoch(producer);
        return new PendingTransaction(transactionalId, idAndEpoch.producerId(), idAndEpoch.epoch(), checkpointId);
    }

    void commit() {
        producer.commitTransaction();
    }

    /** Aborts the transaction; its records are never shown to read_committed consumers. */
    void abort() {
        producer.abortTransaction();
    }

    /**
     * Closes the producer and leaves the transaction as it is (a pre-committed one stays open for its commit). Only
     * for a resumed transaction: the pool closes its own producers.
     */
    @Override
    public void close() {
        producer.close(Duration.ZERO);
    }

    private void throwIfSendFailed() throws IOException {
        Exception failure = sendFailure.get();
        if (failure != null) {
            throw failed(failure);
        }
    }

    private IOException failed(Exception e) {
        return new IOException("failed to send message to Kafka topic " + topic + " in transaction " + transactionalId + ": "
                + e.getMessage(), e);
    }
}
