package io.dataflow.flink.message;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information that hands Flink the {@link MessageSerializer} (no Kryo, no POJO analysis). */
public final class MessageTypeInfo extends TypeInformation<Message> {

    private static final long serialVersionUID = 1L;

    public static final MessageTypeInfo INSTANCE = new MessageTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<Message> getTypeClass() {
        return Message.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<Message> createSerializer(SerializerConfig config) {
        return MessageSerializer.INSTANCE;
    }

    @Override
    @SuppressWarnings("deprecation")
    public TypeSerializer<Message> createSerializer(ExecutionConfig config) {
        return MessageSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "Message";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof MessageTypeInfo;
    }

    @Override
    public int hashCode() {
        return MessageTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof MessageTypeInfo;
    }
}
