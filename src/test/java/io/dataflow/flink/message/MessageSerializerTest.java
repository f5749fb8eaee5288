package io.dataflow.flink.message;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageSerializerTest {

    private final MessageSerializer serializer = MessageSerializer.INSTANCE;

    private static Message kafkaLikeMessage() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("topic", "orders");
        metadata.put("partition", 3);
        metadata.put("offset", 9_876_543_210L);
        metadata.put("key", "k".repeat(70_000)); // longer than writeUTF's 64 KB limit
        metadata.put("timestamp", Instant.parse("2026-11-24T10:15:30.123456789Z"));
        metadata.put("headers", new LinkedHashMap<>(Map.of("trace", "abc")));
        metadata.put("ratio", 0.25);
        metadata.put("is_error_message", true);
        metadata.put("nothing", null);
        metadata.put("list", List.of("a", 1L, false));
        return new Message("{\"id\":1,\"name\":\"Zoë\"}".getBytes(StandardCharsets.UTF_8), metadata, 1_700_000_000_123L);
    }

    private Message roundTrip(Message m) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(m, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void roundTripKeepsPayloadMetadataAndTimestamp() throws Exception {
        Message original = kafkaLikeMessage();
        Message back = roundTrip(original);
        assertThat(back).isEqualTo(original);
        assertThat(back.metadata().get("offset")).isInstanceOf(Long.class);
        assertThat(back.metadata().get("partition")).isInstanceOf(Integer.class);
        assertThat(back.metadata().get("timestamp")).isEqualTo(Instant.parse("2026-11-24T10:15:30.123456789Z"));
        assertThat(back.metadata()).containsKey("nothing");
    }

    @Test
    void roundTripSerializesAChangedJsonTree() throws Exception {
        Message m = Message.of("{\"a\":1}");
        ((ObjectNode) m.json()).put("b", 2);
        m.setJson(m.json());
        assertThat(roundTrip(m).dataAsString()).isEqualTo("{\"a\":1,\"b\":2}");
    }

    @Test
    void binaryPayloadSurvives() throws Exception {
        byte[] bytes = {0, (byte) 0xff, (byte) 0xc3, 0x28, 10};
        Message back = roundTrip(new Message(bytes, new LinkedHashMap<>(), 1));
        assertThat(back.data()).containsExactly(bytes);
        assertThat(back.isJson()).isFalse();
    }

    @Test
    void copyIsDeep() {
        Message original = kafkaLikeMessage();
        Message copy = serializer.copy(original);
        copy.putMetadata("topic", "changed");
        @SuppressWarnings("unchecked")
        Map<String, Object> headers = (Map<String, Object>) copy.metadata().get("headers");
        headers.put("trace", "changed");
        ((ObjectNode) copy.json()).put("id", 2);
        copy.setJson(copy.json());
        assertThat(original.metadata().get("topic")).isEqualTo("orders");
        assertThat(((Map<?, ?>) original.metadata().get("headers")).get("trace")).isEqualTo("abc");
        assertThat(original.dataAsString()).contains("\"id\":1");
    }

    @Test
    void unsupportedMetadataTypeFailsLoudly() {
        Message m = Message.of("x").putMetadata("bad", new Object());
        assertThatThrownBy(() -> serializer.serialize(m, new DataOutputSerializer(16)))
                .hasMessageContaining("unsupported metadata value type");
    }

    @Test
    void snapshotRestoresACompatibleSerializer() throws Exception {
        TypeSerializerSnapshot<Message> snapshot = serializer.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(16);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<Message> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        TypeSerializer<Message> restoredSerializer = restored.restoreSerializer();
        assertThat(restoredSerializer).isSameAs(MessageSerializer.INSTANCE);
        TypeSerializerSchemaCompatibility<Message> compat = serializer.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compat.isCompatibleAsIs()).isTrue();
    }

    @Test
    void typeInfoNeverFallsBackToKryo() {
        assertThat(MessageTypeInfo.INSTANCE.createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl()))
                .isSameAs(MessageSerializer.INSTANCE);
    }

    @Test
    void jsonIsParsedOnceAndNonJsonIsRemembered() {
        Message m = Message.of("{\"a\":[1,2]}");
        assertThat(m.json()).isSameAs(m.json());
        Message text = Message.of("plain text");
        assertThat(text.json()).isNull();
        assertThat(text.isJson()).isFalse();
        assertThat(Message.of("{broken").json()).isNull();
    }
}
