package io.dataflow.flink.transform.condition;

/** Parser of the condition language; the full grammar lands with the transformations (issue 4). */
final class ConditionParser {

    private ConditionParser() {
    }

    static Condition parse(String text) throws ConditionParseException {
        if (text == null || text.isBlank()) {
            return m -> false;
        }
        throw new ConditionParseException("conditions are not supported by this build", 1);
    }
}
