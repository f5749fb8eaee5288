package io.dataflow.flink.transform.builtin;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.TransformerFactory;
import io.dataflow.flink.transform.condition.Condition;
import io.dataflow.flink.transform.condition.ConditionParseException;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code router}: marks each message with the first route whose condition holds; the job then sends it to that
 * route's sink (docs/ORIGINAL.md#transformations). The route sinks themselves are validated and planned by the manifest parser.
 */
public final class RouterTransformerFactory implements TransformerFactory {

    static final ConfigField<String> CONDITION = ConfigField.string("condition").required()
            .description("Condition (docs/TRANSFORMATIONS.md#condition-language) that sends a message to this route's sink").build();
    static final ConfigField<Object> SINK = ConfigField.any("sink").required()
            .description("The route's sink: {type, config} of any sink connector").build();
    static final ConfigField<List<ConfigValues>> ROUTES = ConfigField.objectList("routes", CONDITION, SINK).required()
            .description("Routes in order; the first match wins, no match goes to the main sink").build();

    @Override
    public String type() {
        return "router";
    }

    @Override
    public String description() {
        return "Sends each message to the sink of the first route whose condition holds (metadata routed_condition), "
                + "else to the main sink";
    }

    @Override
    public boolean changesMetadata() {
        return true;
    }

    @Override
    public List<ConfigField<?>> options() {
        return List.of(ROUTES);
    }

    @Override
    public void validate(ConfigValues config, ValidationErrors errors) {
        List<ConfigValues> routes = config.get(ROUTES);
        if (routes.isEmpty()) {
            errors.add(config.pathOf(ROUTES), "at least one route is required");
        }
        for (ConfigValues route : routes) {
            try {
                Condition.parse(route.get(CONDITION));
            } catch (ConditionParseException e) {
                errors.add(route.pathOf(CONDITION), e.getMessage());
            }
            if (route.get(CONDITION).isBlank()) {
                errors.add(route.pathOf(CONDITION), "must not be empty (an empty condition never matches)");
            }
        }
    }

    @Override
    public Transformer create(ConfigValues config) {
        List<String> texts = new ArrayList<>();
        List<Condition> conditions = new ArrayList<>();
        for (ConfigValues route : config.get(ROUTES)) {
            try {
                conditions.add(Condition.parse(route.get(CONDITION)));
                texts.add(route.get(CONDITION));
            } catch (ConditionParseException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        return new RouterTransformer(texts, conditions);
    }
}
