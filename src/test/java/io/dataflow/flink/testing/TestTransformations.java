package io.dataflow.flink.testing;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.transform.TransformException;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.condition.Condition;
import io.dataflow.flink.transform.condition.ConditionParseException;

import java.util.List;

/** Transformations that exist only in tests, to exercise the chain: registered in test META-INF/services. */
public final class TestTransformations {

    private TestTransformations() {
    }

    /** {@code failIf}: throws TransformException (or, with {@code crash: true}, a RuntimeException) when the condition holds. */
    public static final class FailIf implements TransformerFactory {
        static final ConfigField<String> CONDITION = ConfigField.string("condition").required().build();
        static final ConfigField<Boolean> CRASH = ConfigField.bool("crash").defaultValue(false).build();

        @Override
        public String type() {
            return "failIf";
        }

        @Override
        public String description() {
            return "test only: fails the records the condition holds for";
        }

        @Override
        public List<ConfigField<?>> options() {
            return List.of(CONDITION, CRASH);
        }

        @Override
        public Transformer create(ConfigValues config) {
            Condition condition;
            try {
                condition = Condition.parse(config.get(CONDITION));
            } catch (ConditionParseException e) {
                throw new IllegalArgumentException(e);
            }
            boolean crash = config.get(CRASH);
            return message -> {
                if (condition.test(message)) {
                    if (crash) {
                        throw new IllegalStateException("boom");
                    }
                    throw new TransformException("field id: refused by the test");
                }
                return List.of(message);
            };
        }
    }

    /** {@code duplicate}: emits the message and a copy with {@code copy: true} (fan-out). */
    public static final class Duplicate implements TransformerFactory {
        @Override
        public String type() {
            return "duplicate";
        }

        @Override
        public String description() {
            return "test only: emits each record twice";
        }

        @Override
        public List<ConfigField<?>> options() {
            return List.of();
        }

        @Override
        public Transformer create(ConfigValues config) {
            return message -> {
                Message copy = message.copy();
                com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) copy.json();
                tree.put("copy", true);
                copy.setJson(tree);
                return List.of(message, copy);
            };
        }
    }
}
