package io.dataflow.flink.transform.condition;

/** A condition that does not parse; the message names the column (1-based). */
public class ConditionParseException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int column;

    public ConditionParseException(String message, int column) {
        super("condition does not parse at column " + column + ": " + message);
        this.column = column;
    }

    public int column() {
        return column;
    }
}
