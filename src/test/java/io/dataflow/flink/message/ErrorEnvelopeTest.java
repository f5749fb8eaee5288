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
}
