package io.dataflow.flink.transform;

import io.dataflow.flink.config.ConfigValues;

import java.io.Serializable;

/** A validated {@code {type, when?, config}} step; {@code index} is its position in the chain. */
public record TransformationSpec(int index, String type, String when, ConfigValues config) implements Serializable {
}
