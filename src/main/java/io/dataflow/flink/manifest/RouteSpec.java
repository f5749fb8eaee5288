package io.dataflow.flink.manifest;

import java.io.Serializable;

/**
 * One route of a {@code router} step: messages for which {@code condition} is the first match go to
 * {@code sink}. Sinks are keyed by {@code index}, so two routes with the same condition never share a sink.
 */
public record RouteSpec(int index, String condition, ConnectorSpec sink) implements Serializable {
}
