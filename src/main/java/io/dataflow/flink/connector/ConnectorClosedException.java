package io.dataflow.flink.connector;

/** Thrown by {@code connect()} once a connector has been closed. */
public class ConnectorClosedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public ConnectorClosedException() {
        super("connector is closed");
    }
}
