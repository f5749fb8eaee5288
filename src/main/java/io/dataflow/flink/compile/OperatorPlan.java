package io.dataflow.flink.compile;

import java.util.Map;

/**
 * One operator of a compiled job as {@code plan} shows it: name, stable uid, role, connector or transformation
 * type, parallelism, and its config with secrets masked.
 */
public record OperatorPlan(String name, String uid, String role, String type, int parallelism, Map<String, Object> config) {
}
