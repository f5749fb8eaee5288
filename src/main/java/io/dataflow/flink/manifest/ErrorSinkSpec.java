package io.dataflow.flink.manifest;

import java.io.Serializable;

/** The dead-letter sink of {@code spec.errors}. */
public record ErrorSinkSpec(ConnectorSpec sink, AckPolicy ackPolicy) implements Serializable {
}
