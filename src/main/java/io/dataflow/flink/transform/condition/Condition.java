package io.dataflow.flink.transform.condition;

import io.dataflow.flink.message.Message;

/**
 * A compiled condition of the original's condition language (engine v2, docs/ORIGINAL.md#condition-language), used by {@code filter},
 * router routes and per-step {@code when}.
 */
@FunctionalInterface
public interface Condition {

    boolean test(Message message);

    /** Compiles a condition; the error names the column where parsing failed. */
    static Condition parse(String text) throws ConditionParseException {
        return ConditionParser.parse(text);
    }
}
