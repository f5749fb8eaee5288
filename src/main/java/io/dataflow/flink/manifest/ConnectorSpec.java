package io.dataflow.flink.manifest;

import io.dataflow.flink.config.ConfigValues;

import java.io.Serializable;

/** A validated {@code {type, config}} of a source or sink. */
public record ConnectorSpec(String type, ConfigValues config) implements Serializable {
}
