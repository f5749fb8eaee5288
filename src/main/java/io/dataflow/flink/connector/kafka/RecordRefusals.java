package io.dataflow.flink.connector.kafka;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Which producer send errors belong to one record rather than to the topic or the connection. The broker answers a
 * produce request per partition batch, but names the refused records in it (KIP-467): those get their own
 * exception, and the producer fails the batch's other records with a plain {@link KafkaException} (see
 * {@code Sender.failBatch}); they were refused for company and are sent again.
 */
final class RecordRefusals {

    /** The text kafka-clients (3.x, 4.x) gives the records that only shared a batch with a refused one. */
    private static final String BATCHMATE_MESSAGE = "Failed to append record because it was part of a batch which had one more more invalid records";

    private RecordRefusals() {
    }

    /**
     * The record itself is refused: larger than max.request.size (the producer) or the topic's max.message.bytes
     * (the broker), invalid for the topic (no key on a compacted topic, an invalid timestamp), or corrupt after the
     * producer's retries.
     */
    static boolean refusesRecord(Throwable error) {
        return error instanceof RecordTooLargeException || error instanceof InvalidRecordException || error instanceof CorruptRecordException;
    }

    /** The record was fine but shared a batch with a refused one. */
    static boolean isBatchmateOfRefused(Throwable error) {
        return error.getClass() == KafkaException.class && error.getMessage() != null && error.getMessage().startsWith(BATCHMATE_MESSAGE);
    }

    /** The reason the error sink gets: the exception's kind and the client's or broker's message. */
    static String reason(String topic, Throwable error) {
        return "Kafka refused the record for topic " + topic + ": " + error.getClass().getSimpleName() + ": " + error.getMessage();
    }
}
