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
 * One Kafka transaction on a producer of its own (its own transactional id): records are sent into it, it is
 * flushed and pre-committed at a checkpoint, and committed when that checkpoint completes — by this object, or after
 * a restart by {@link #resume}. A producer per transaction keeps every transaction's producer id and epoch distinct,
 * so committing a restored transaction can never commit a later one by mistake.
 */
final class KafkaTransaction implements AutoCloseable {

    private final String transactionalId;
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    /** The first send failure; set by the producer's I/O thread. */
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

    private KafkaTransaction(String transactionalId, String topic, KafkaProducer<byte[], byte[]> producer) {
        this.transactionalId = transactionalId;
        this.topic = topic;
        this.producer = producer;
    }

    /** A new producer for {@code transactionalId}: fences older producers of that id, aborts their open transaction, begins one. */
    static KafkaTransaction begin(KafkaClientProperties properties, String transactionalId, String topic) {
        KafkaProducer<byte[], byte[]> producer = producer(properties, transactionalId);
        try {
            producer.initTransactions();
            producer.beginTransaction();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        return new KafkaTransaction(transactionalId, topic, producer);
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
        return new KafkaTransaction(pending.transactionalId(), topic, producer);
    }

    /** Only fences: a producer that opens {@code transactionalId} and leaves, which aborts its open transaction. */
    static void abortOpenTransaction(KafkaClientProperties properties, String transactionalId) {
        try (KafkaProducer<byte[], byte[]> producer = producer(properties, transactionalId)) {
            producer.initTransactions();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaClientProperties properties, String transactionalId) {
        return new KafkaProducer<>(properties.with(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId).toProperties(),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    String transactionalId() {
        return transactionalId;
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

    /** Closes the producer and leaves the transaction as it is (a pre-committed one stays open for its commit). */
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
