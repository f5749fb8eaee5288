package io.dataflow.flink.message;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flink serializer for {@link Message}, so messages never fall back to Kryo between operators or in state.
 *
 * <p>Wire format (version 1): payload length + bytes, timestamp, metadata entry count, then per entry the key
 * and a tagged value (see {@link #writeValue}). Only the value types of {@link MetadataValues} are accepted;
 * anything else is a programming error in a connector and fails loudly.
 */
public final class MessageSerializer extends TypeSerializerSingleton<Message> {

    private static final long serialVersionUID = 1L;

    public static final MessageSerializer INSTANCE = new MessageSerializer();

    private static final byte NULL = 0;
    private static final byte STRING = 1;
    private static final byte BOOLEAN = 2;
    private static final byte INT = 3;
    private static final byte LONG = 4;
    private static final byte DOUBLE = 5;
    private static final byte INSTANT = 6;
    private static final byte MAP = 7;
    private static final byte LIST = 8;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Message createInstance() {
        return Message.of(new byte[0]);
    }

    @Override
    public Message copy(Message from) {
        return from.copy();
    }

    @Override
    public Message copy(Message from, Message reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Message record, DataOutputView target) throws IOException {
        byte[] data = record.data();
        target.writeInt(data.length);
        target.write(data);
        target.writeLong(record.timestamp());
        writeMap(record.metadata(), target);
    }

    @Override
    public Message deserialize(DataInputView source) throws IOException {
        byte[] data = new byte[source.readInt()];
        source.readFully(data);
        long timestamp = source.readLong();
        return new Message(data, readMap(source), timestamp);
    }

    @Override
    public Message deserialize(Message reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<Message> snapshotConfiguration() {
        return new MessageSerializerSnapshot();
    }

    private static void writeMap(Map<?, ?> map, DataOutputView out) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.writeUTF(String.valueOf(e.getKey()));
            writeValue(e.getValue(), out);
        }
    }

    private static Map<String, Object> readMap(DataInputView in) throws IOException {
        int size = in.readInt();
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, size * 2));
        for (int i = 0; i < size; i++) {
            map.put(in.readUTF(), readValue(in));
        }
        return map;
    }

    private static void writeValue(Object value, DataOutputView out) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof String) {
            out.writeByte(STRING);
            writeLongString((String) value, out);
        } else if (value instanceof Boolean) {
            out.writeByte(BOOLEAN);
            out.writeBoolean((Boolean) value);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.writeByte(INT);
            out.writeInt(((Number) value).intValue());
        } else if (value instanceof Long) {
            out.writeByte(LONG);
            out.writeLong((Long) value);
        } else if (value instanceof Double || value instanceof Float) {
            out.writeByte(DOUBLE);
            out.writeDouble(((Number) value).doubleValue());
        } else if (value instanceof Instant) {
            Instant instant = (Instant) value;
            out.writeByte(INSTANT);
            out.writeLong(instant.getEpochSecond());
            out.writeInt(instant.getNano());
        } else if (value instanceof Map) {
            out.writeByte(MAP);
            writeMap((Map<?, ?>) value, out);
        } else if (value instanceof List) {
            List<?> list = (List<?>) value;
            out.writeByte(LIST);
            out.writeInt(list.size());
            for (Object item : list) {
                writeValue(item, out);
            }
        } else {
            throw new IOException("unsupported metadata value type " + value.getClass().getName());
        }
    }

    private static Object readValue(DataInputView in) throws IOException {
        byte tag = in.readByte();
        switch (tag) {
            case NULL:
                return null;
            case STRING:
                return readLongString(in);
            case BOOLEAN:
                return in.readBoolean();
            case INT:
                return in.readInt();
            case LONG:
                return in.readLong();
            case DOUBLE:
                return in.readDouble();
            case INSTANT:
                return Instant.ofEpochSecond(in.readLong(), in.readInt());
            case MAP:
                return readMap(in);
            case LIST:
                int size = in.readInt();
                List<Object> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    list.add(readValue(in));
                }
                return list;
            default:
                throw new IOException("corrupt message: unknown metadata tag " + tag);
        }
    }

    /** writeUTF is limited to 64 KB; Kafka keys and header values may be longer. */
    private static void writeLongString(String s, DataOutputView out) throws IOException {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readLongString(DataInputView in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Serializer snapshot; the format has one version so far. */
    public static final class MessageSerializerSnapshot extends SimpleTypeSerializerSnapshot<Message> {
        public MessageSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
