package io.dataflow.flink.transform.builtin;

import io.dataflow.flink.message.Message;
import io.dataflow.flink.transform.Transformer;
import io.dataflow.flink.transform.condition.Condition;

import java.util.List;

/**
 * Tags a message with {@value #ROUTED_CONDITION} = the text of the first matching route's condition (the original's
 * metadata key, kept so sinks and raw-mode {@code _metadata} columns see the same thing). The job's dispatcher maps
 * that text back to the first route with that condition, which is exactly the route that matched: two routes with
 * the same condition can never both match, so keying by text loses nothing (unlike the original, whose sinks collided).
 */
public final class RouterTransformer implements Transformer {

    public static final String ROUTED_CONDITION = "routed_condition";

    private final List<String> texts;
    private final List<Condition> conditions;

    RouterTransformer(List<String> texts, List<Condition> conditions) {
        this.texts = List.copyOf(texts);
        this.conditions = List.copyOf(conditions);
    }

    @Override
    public List<Message> apply(Message message) {
        message.metadata().remove(ROUTED_CONDITION);
        for (int i = 0; i < conditions.size(); i++) {
            if (conditions.get(i).test(message)) {
                message.putMetadata(ROUTED_CONDITION, texts.get(i));
                break;
            }
        }
        return List.of(message);
    }
}
