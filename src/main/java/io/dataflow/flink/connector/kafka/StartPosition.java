package io.dataflow.flink.connector.kafka;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where a partition starts when the job has neither restored state nor a committed group offset for it
 * ({@code startFrom}): the earliest offset (the original's behaviour), the end offset at start, or the first offset
 * whose record timestamp is at or after an instant.
 */
record StartPosition(Instant timestamp, boolean latest) {

    static final StartPosition EARLIEST = new StartPosition(null, false);
    static final StartPosition LATEST = new StartPosition(null, true);

    /**
     * {@code earliest}, {@code latest} (case-insensitive) or an ISO-8601 instant with a zone offset
     * ({@code 2026-12-01T00:00:00Z}, {@code 2026-12-01T01:00:00+01:00}).
     *
     * @throws IllegalArgumentException with a message fit to follow the field's path
     */
    static StartPosition parse(String value) {
        String v = value.trim();
        switch (v.toLowerCase(Locale.ROOT)) {
            case "earliest":
                return EARLIEST;
            case "latest":
                return LATEST;
            default:
                try {
                    return new StartPosition(OffsetDateTime.parse(v).toInstant(), false);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("must be earliest, latest or an ISO-8601 timestamp with a zone "
                            + "(e.g. 2026-12-01T00:00:00Z); got \"" + value + "\"");
                }
        }
    }

    /** The start offset of each partition; a partition without a record at or after the instant starts at its end. */
    Map<TopicPartition, Long> offsets(KafkaConsumer<?, ?> consumer, Collection<TopicPartition> partitions, Duration timeout) {
        if (timestamp == null) {
            return latest ? consumer.endOffsets(partitions, timeout) : consumer.beginningOffsets(partitions, timeout);
        }
        Map<TopicPartition, Long> query = partitions.stream()
                .collect(Collectors.toMap(Function.identity(), tp -> timestamp.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
        Map<TopicPartition, Long> start = new HashMap<>();
        Set<TopicPartition> noneLater = new HashSet<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = found.get(tp);
            if (at != null) {
                start.put(tp, at.offset());
            } else {
                noneLater.add(tp);
            }
        }
        if (!noneLater.isEmpty()) {
            start.putAll(consumer.endOffsets(noneLater, timeout));
        }
        return start;
    }

    @Override
    public String toString() {
        return timestamp != null ? timestamp.toString() : latest ? "latest" : "earliest";
    }
}
