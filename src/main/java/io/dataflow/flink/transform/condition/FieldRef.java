package io.dataflow.flink.transform.condition;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.message.MetadataValues;
import io.dataflow.flink.transform.path.JsonPath;
import io.dataflow.flink.transform.path.JsonValues;

import java.util.Map;

/** What a condition atom reads: {@code metadata.<key>} from the message metadata, any other path from the JSON body. */
abstract class FieldRef {

    private static final String METADATA = "metadata.";

    static FieldRef of(String text) {
        if (text.startsWith(METADATA) && text.length() > METADATA.length()) {
            return new MetadataField(text.substring(METADATA.length()));
        }
        return new BodyField(JsonPath.parse(text));
    }

    /** The field's string form, or {@code null} when it is missing or null. */
    abstract String asString(Message message);

    abstract boolean isTruthy(Message message);

    private static final class BodyField extends FieldRef {
        private final JsonPath path;

        BodyField(JsonPath path) {
            this.path = path;
        }

        private JsonNode value(Message message) {
            JsonNode root = message.json();
            if (root == null) {
                return null;
            }
            JsonNode v = path.get(root);
            return v == null || v.isNull() ? null : v;
        }

        @Override
        String asString(Message message) {
            JsonNode v = value(message);
            return v == null ? null : JsonValues.asString(v);
        }

        @Override
        boolean isTruthy(Message message) {
            return JsonValues.isTruthy(value(message));
        }
    }

    /**
     * A metadata key. The whole rest of the path is tried as one key first (the original's only form, so
     * {@code metadata.kafka.topic} still finds a key with a dot); failing that, dots walk into nested maps such as
     * {@code metadata.headers.Content-Type}.
     */
    private static final class MetadataField extends FieldRef {
        private final String key;
        private final String[] nested;

        MetadataField(String key) {
            this.key = key;
            this.nested = key.split("\\.");
        }

        @SuppressWarnings("unchecked")
        private Object value(Message message) {
            Map<String, Object> metadata = message.metadata();
            Object v = metadata.get(key);
            if (v != null || nested.length == 1) {
                return v;
            }
            Object current = metadata;
            for (String part : nested) {
                if (!(current instanceof Map)) {
                    return null;
                }
                current = ((Map<String, Object>) current).get(part);
            }
            return current;
        }

        @Override
        String asString(Message message) {
            Object v = value(message);
            return v == null ? null : MetadataValues.asString(v);
        }

        @Override
        boolean isTruthy(Message message) {
            Object v = value(message);
            if (v == null) {
                return false;
            }
            if (v instanceof Boolean) {
                return (Boolean) v;
            }
            if (v instanceof String) {
                String s = (String) v;
                return !s.isEmpty() && !s.equals("false");
            }
            if (v instanceof Number) {
                return ((Number) v).doubleValue() != 0;
            }
            return true;
        }
    }
}
