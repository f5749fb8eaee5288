package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.connector.LifecycleGuard;
import io.dataflow.flink.connector.ConnectorClosedException;
import io.dataflow.flink.connector.RefusedRecordListener;
import io.dataflow.flink.connector.SinkConnector;
import io.dataflow.flink.message.Message;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes every message to one topic: value = the payload as is, key as {@link RecordKeys} says. Sends are
 * asynchronous; {@link #flush()} — called by the runtime on every checkpoint — waits for all of them, which makes the
 * sink at-least-once.
 *
 * <p>A record Kafka refuses because of its own content ({@link RecordRefusals}: too large, no key on a compacted topic,
 * …) goes to the {@link RefusedRecordListener} (the error sink) when there is one, and the records that shared its
 * batch are sent again; the flush succeeds. Any other send error fails the flush, and the next {@link #write}, so a
 * broken sink stops early instead of at the next checkpoint. Without a listener a refused record fails the flush too.
 * Callbacks run on the producer's I/O thread and only queue; the listener is called on the task thread.
 *
 * <p>{@code flushEvery} is the original's sync producer ({@code async: false}: 1, every write waits for the broker's
 * acknowledgement) and its {@code flushMessages} (N: every N-th write sends what is buffered and waits for it). The
 * Java producer batches by bytes and time only, so a flush by record count is the producer's own {@code flush()}.
 */
public final class KafkaSinkConnector extends LifecycleGuard implements SinkConnector {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSinkConnector.class);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final String topic;
    private final KafkaClientProperties properties;
    /** For reading the topic's max.message.bytes ({@link BatchSize}) when flushBytes is not set. */
    private final KafkaClientProperties adminProperties;
    private final RecordKeys keys;
    /** Flush after this many writes; 0: only when the runtime flushes (every checkpoint). */
    private final int flushEvery;
    private int writesSinceFlush;

    private volatile KafkaProducer<byte[], byte[]> producer;
    private RefusedRecordListener listener;
    /** The first send failure that is not one record's; set by the producer's I/O thread. */
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    /** Records Kafka refused, with the reason, for the listener. */
    private final Queue<Refused> refused = new ConcurrentLinkedQueue<>();
    /** Records that only shared a batch with a refused one: sent again. */
    private final Queue<Message> toResend = new ConcurrentLinkedQueue<>();

    public KafkaSinkConnector(String topic, KafkaClientProperties properties, KafkaClientProperties adminProperties, RecordKeys keys) {
        this(topic, properties, adminProperties, keys, 0);
    }

    /** @param flushEvery flush after this many writes (1: synchronous sends); 0: only on the runtime's flush */
    public KafkaSinkConnector(String topic, KafkaClientProperties properties, KafkaClientProperties adminProperties, RecordKeys keys,
                              int flushEvery) {
        if (flushEvery < 0) {
            throw new IllegalArgumentException("flushEvery must be >= 0, got " + flushEvery);
        }
        this.topic = topic;
        this.properties = properties;
        this.adminProperties = adminProperties;
        this.keys = keys;
        this.flushEvery = flushEvery;
    }

    @Override
    public void setRefusedRecordListener(RefusedRecordListener listener) {
        this.listener = listener;
    }

    @Override
    public void connect() {
        if (!guardConnect()) {
            throw new ConnectorClosedException();
        }
        try {
            LOG.info("Connecting to Kafka: brokers={}, topic={}, compression={}, requiredAcks={}, idempotent={}",
                    properties.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG), topic, properties.get(ProducerConfig.COMPRESSION_TYPE_CONFIG),
                    properties.get(ProducerConfig.ACKS_CONFIG), properties.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
            producer = new KafkaProducer<>(BatchSize.forTopic(topic, properties, adminProperties).toProperties(), new ByteArraySerializer(),
                    new ByteArraySerializer());
            LOG.info("Successfully connected to Kafka: topic={}", topic);
        } finally {
            unlock();
        }
    }

    @Override
    public void write(Message message) throws IOException {
        throwIfSendFailed();
        reportRefusedAndResend();
        send(message);
        if (flushEvery > 0 && ++writesSinceFlush >= flushEvery) {
            flush();
        }
    }

    private void send(Message message) throws IOException {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            throw new IllegalStateException("Kafka sink written before connect (topic " + topic + ")");
        }
        boolean reportRefusals = listener != null;
        try {
            p.send(KafkaRecordMessages.toRecord(topic, message, keys), (metadata, error) -> {
                if (error == null) {
                    return;
                }
                if (reportRefusals && RecordRefusals.refusesRecord(error)) {
                    refused.add(new Refused(message, RecordRefusals.reason(topic, error)));
                } else if (RecordRefusals.isBatchmateOfRefused(error)) {
                    toResend.add(message);
                } else {
                    sendFailure.compareAndSet(null, error);
                }
            });
        } catch (RuntimeException e) {
            String where = e instanceof AuthenticationException ? " at " + properties.describeConnection() : "";
            throw new IOException("failed to send message to Kafka topic " + topic + where + ": " + e.getMessage(), e);
        }
    }

    /** Waits for every send; records sent again (batchmates of a refused one) are waited for too. */
    @Override
    public void flush() throws IOException {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            throwIfSendFailed();
            return;
        }
        do {
            p.flush();
            throwIfSendFailed();
        } while (reportRefusedAndResend());
        writesSinceFlush = 0;
    }

    /** Hands refused records to the listener and sends their batchmates again; true when it sent any. */
    private boolean reportRefusedAndResend() throws IOException {
        for (Refused r = refused.poll(); r != null; r = refused.poll()) {
            LOG.warn("Kafka refused a record for topic {}; it goes to the error sink: {}", topic, r.reason());
            listener.refused(r.message(), r.reason());
        }
        List<Message> again = new ArrayList<>();
        for (Message m = toResend.poll(); m != null; m = toResend.poll()) {
            again.add(m);
        }
        for (Message m : again) {
            send(m);
        }
        return !again.isEmpty();
    }

    private void throwIfSendFailed() throws IOException {
        Exception failure = sendFailure.getAndSet(null);
        if (failure != null) {
            String where = failure instanceof AuthenticationException ? " at " + properties.describeConnection() : "";
            throw new IOException("failed to send message to Kafka topic " + topic + where + ": " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() {
        if (guardClose()) {
            return;
        }
        try {
            KafkaProducer<byte[], byte[]> p = producer;
            producer = null;
            if (p != null) {
                LOG.info("Closing Kafka sink connection: topic={}", topic);
                p.close(CLOSE_TIMEOUT);
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the Kafka producer of topic {} failed: {}", topic, e.toString());
        } finally {
            unlock();
        }
    }

    @Override
    public String toString() {
        return "KafkaSinkConnector{topic=" + topic + "}";
    }

    private record Refused(Message message, String reason) {
    }
}
