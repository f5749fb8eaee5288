package io.dataflow.flink.transform.builtin;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.condition.Condition;
import io.dataflow.flink.transform.condition.ConditionParseException;

import java.util.List;

/** {@code filter}: keeps the messages its condition holds for and drops the rest. */
public final class FilterTransformerFactory implements TransformerFactory {

    static final ConfigField<String> CONDITION = ConfigField.string("condition").required()
            .description("Condition (docs/TRANSFORMATIONS.md#condition-language) a message must satisfy to be kept; others are dropped").build();

    @Override
    public String type() {
        return "filter";
    }

    @Override
    public String description() {
        return "Keeps messages for which the condition is true and drops the others";
    }

    @Override
    public List<ConfigField<?>> options() {
        return List.of(CONDITION);
    }

    @Override
    public void validate(ConfigValues config, ValidationErrors errors) {
        try {
            Condition.parse(config.get(CONDITION));
        } catch (ConditionParseException e) {
            errors.add(config.pathOf(CONDITION), e.getMessage());
        }
    }

    @Override
    public Transformer create(ConfigValues config) {
        try {
            Condition condition = Condition.parse(config.get(CONDITION));
            return message -> condition.test(message) ? List.of(message) : List.of();
        } catch (ConditionParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
