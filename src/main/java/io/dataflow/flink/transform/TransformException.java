package io.dataflow.flink.transform;

/** A transformation could not handle one message; the message goes to the error sink with this reason. */
public class TransformException extends Exception {

    private static final long serialVersionUID = 1L;

    public TransformException(String message) {
        super(message);
    }

    public TransformException(String message, Throwable cause) {
        super(message, cause);
    }
}
