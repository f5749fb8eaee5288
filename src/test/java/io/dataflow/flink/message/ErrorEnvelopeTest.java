package io.dataflow.flink.message;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorEnvelopeTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @Test
    void jsonPayloadIsKeptAsOriginalMessage() {
        Message failed = Message.of("{\"id\":7,\"name\":\"x\"}").putMetadata("topic", "orders").putMetadata("offset", 42L)
                .putMetadata("timestamp", Instant.parse("2026-01-01T00:00:00Z"));
        Message envelope = ErrorEnvelope.of(failed, "null value in column \"name\"", "postgresql", NOW);
        JsonNode json = envelope.json();
        assertThat(json.at("/error/message").asText()).isEqualTo("null value in column \"name\"");
        assertThat(json.at("/error/timestamp").asText()).isEqualTo("2026-11-24T12:00:00Z");
        assertThat(json.at("/error/original_sink").asText()).isEqualTo("postgresql");
        assertThat(json.at("/error/metadata/offset").asLong()).isEqualTo(42L);
        assertThat(json.at("/error/metadata/timestamp").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(json.at("/original_message/id").asInt()).isEqualTo(7);
        assertThat(json.has("original_data")).isFalse();
        assertThat(envelope.metadata()).containsEntry("is_error_message", true).containsEntry("original_sink", "postgresql")
                .containsEntry("topic", "orders").doesNotContainKey("error_message_approximate");
        assertThat(failed.metadata()).doesNotContainKey("error");
    }

    @Test
    void nonJsonPayloadIsKeptAsOriginalData() {
        Message envelope = ErrorEnvelope.of(Message.of("not json at all"), "not JSON", "kafka", NOW);
        assertThat(envelope.json().get("original_data").asText()).isEqualTo("not json at all");
        assertThat(envelope.json().has("original_message")).isFalse();
    }

    @Test
    void aPayloadTooLargeForTheErrorSinkIsCutAndFlagged() {
        String big = "{\"a\":\"" + "x".repeat(ErrorEnvelope.MAX_ORIGINAL_BYTES * 4) + "\"}";
        Message envelope = ErrorEnvelope.of(Message.of(big), "too odd", "kafka", NOW);
        assertThat(envelope.json().has("original_message")).isFalse();
        assertThat(envelope.json().get("original_data").asText()).hasSize(ErrorEnvelope.MAX_ORIGINAL_BYTES).startsWith("{\"a\":\"xxx");
        assertThat(envelope.json().get("original_truncated").asBoolean()).isTrue();
        assertThat(envelope.json().get("original_size").asInt()).isEqualTo(big.length());
        assertThat(envelope.data().length).as("fits Kafka's default 1 MB").isLessThan(1_000_000);
    }

    @Test
    void envelopeSerializesThroughTheMessageSerializer() {
        Message envelope = ErrorEnvelope.of(Message.of("{\"a\":1}"), "boom", "kafka", NOW);
        assertThat(MessageSerializer.INSTANCE.copy(envelope).dataAsString()).contains("\"original_message\":{\"a\":1}");
    }

    /** Control characters are written as six-byte escapes: 256 KiB of them encode to 1.5 MB. */
    @Test
    void aPayloadThatGrowsWhenEncodedIsCutUntilTheEnvelopeFits() {
        byte[] binary = new byte[600_000];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (1 + random.nextInt(31));
        }
        Message envelope = ErrorEnvelope.of(Message.of(binary), "record too large", "kafka", NOW);
        assertThat(envelope.data().length).isLessThanOrEqualTo(ErrorEnvelope.MAX_ENCODED_BYTES);
        assertThat(envelope.json().get("original_truncated").asBoolean()).isTrue();
        assertThat(envelope.json().get("original_size").asInt()).isEqualTo(binary.length);
        assertThat(envelope.json().get("original_data").asText()).isNotEmpty();
        assertThat(envelope.json().at("/error/message").asText()).isEqualTo("record too large");
    }

    @Test
    void aHugeReasonAndHugeMetadataAreCutUntilTheEnvelopeFits() {
        String header = "h".repeat(700_000);
        Message failed = Message.of("{\"id\":1}").putMetadata("topic", "orders").putMetadata("key", "k".repeat(400_000))
                .putMetadata("headers", java.util.Map.of("trace", header));
        Message envelope = ErrorEnvelope.of(failed, "reason ".repeat(300_000), "kafka", NOW);
        assertThat(envelope.data().length).isLessThanOrEqualTo(ErrorEnvelope.MAX_ENCODED_BYTES);
        JsonNode json = envelope.json();
        assertThat(json.at("/original_message/id").asInt()).as("the small record itself is kept whole").isEqualTo(1);
        assertThat(json.at("/error/message").asText()).startsWith("reason reason").hasSizeLessThan(10_000);
        assertThat(json.at("/error/metadata/topic").asText()).isEqualTo("orders");
        assertThat(json.at("/error/metadata_truncated").asBoolean()).isTrue();
        assertThat(json.at("/error/metadata/headers/trace").asText()).hasSizeLessThan(10_000);
        assertThat((String) envelope.metadata("key")).as("what a Kafka error sink writes as the record key").hasSizeLessThan(10_000);
        assertThat((String) envelope.metadata("error")).hasSizeLessThan(10_000);
    }
}
