package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.message.Message;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a consumed record into a {@link Message} with the original's Kafka metadata (docs/ORIGINAL.md#message-model-and-metadata-keys), and a message into a record. */
final class KafkaRecordMessages {

    static final String TOPIC = "topic";
    static final String PARTITION = "partition";
    static final String OFFSET = "offset";
    static final String KEY = "key";
    static final String TIMESTAMP = "timestamp";
    static final String HEADERS = "headers";

    private static final byte[] EMPTY = new byte[0];

    private KafkaRecordMessages() {
    }

    /**
     * Payload = the record value as is (a tombstone becomes an empty payload); message time = the record's
     * timestamp, or the time of reading for records written without one.
     */
    static Message toMessage(ConsumerRecord<byte[], byte[]> record) {
        long millis = record.timestamp() >= 0 ? record.timestamp() : System.currentTimeMillis();
        Map<String, Object> metadata = new LinkedHashMap<>(8);
        metadata.put(TOPIC, record.topic());
        metadata.put(PARTITION, record.partition());
        metadata.put(OFFSET, record.offset());
        if (record.key() != null) {
            metadata.put(KEY, new String(record.key(), StandardCharsets.UTF_8));
        }
        metadata.put(TIMESTAMP, Instant.ofEpochMilli(millis));
        if (record.headers().iterator().hasNext()) {
            metadata.put(HEADERS, headers(record));
        }
        return new Message(record.value() == null ? EMPTY : record.value(), metadata, millis);
    }

    /** The record a sink writes: value = the payload as is, key as {@link RecordKeys} says. */
    static ProducerRecord<byte[], byte[]> toRecord(String topic, Message message, RecordKeys keys) {
        return new ProducerRecord<>(topic, keys.keyOf(message), message.data());
    }

    /** Header values as UTF-8 strings (a null value as ""); for a repeated name the last value wins, as in a Go map. */
    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            out.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
