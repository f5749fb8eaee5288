package io.dataflow.flink.transform.condition;

import io.dataflow.flink.message.Message;

import java.util.List;

/** The nodes a parsed condition is made of. */
final class Conditions {

    static final Condition FALSE = message -> false;

    private Conditions() {
    }

    /** {@code a || b || …}: true as soon as one operand is (left to right, short-circuit). */
    record AnyOf(List<Condition> operands) implements Condition {
        @Override
        public boolean test(Message message) {
            for (Condition c : operands) {
                if (c.test(message)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code a && b && …}: false as soon as one operand is. */
    record AllOf(List<Condition> operands) implements Condition {
        @Override
        public boolean test(Message message) {
            for (Condition c : operands) {
                if (!c.test(message)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Not(Condition operand) implements Condition {
        @Override
        public boolean test(Message message) {
            return !operand.test(message);
        }
    }

    /** A field on its own: it exists, is not null, and is truthy. */
    record Truthy(FieldRef field) implements Condition {
        @Override
        public boolean test(Message message) {
            return field.isTruthy(message);
        }
    }

    /**
     * {@code field == value} / {@code field != value}, compared on the field's string form. A missing or null field
     * makes both false, as in the original.
     */
    record Comparison(FieldRef field, String value, boolean equals) implements Condition {
        @Override
        public boolean test(Message message) {
            String actual = field.asString(message);
            if (actual == null) {
                return false;
            }
            return actual.equals(value) == equals;
        }
    }
}
