package io.dataflow.flink.cli;

import java.util.SortedMap;

/**
 * The figures of a local run at one moment, counted since the process started.
 *
 * @param read         records the source emitted
 * @param written      records the sink and the route sinks wrote
 * @param failed       records the error sink wrote
 * @param routed       records sent to each route, by route index (empty without a router)
 * @param checkpointId the last completed checkpoint, -1 before the first
 * @param lag          records in the source's Kafka partitions after its position; {@link #UNKNOWN} until every
 *                     subtask knows its partitions' end offsets, {@link #NOT_REPORTED} for a source without a lag
 */
record ProgressSnapshot(long read, long written, long failed, SortedMap<Integer, Long> routed, long checkpointId, long lag) {

    static final long UNKNOWN = -1;
    static final long NOT_REPORTED = -2;
}
