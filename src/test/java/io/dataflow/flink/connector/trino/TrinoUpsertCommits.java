package io.dataflow.flink.connector.trino;

import java.time.Duration;
import java.util.List;

/**
 * What a job does for an upsert sink at a checkpoint, for tests that drive the connector directly: flush the
 * writer, take the rows it staged and let the sink's committer MERGE them, as it does once the checkpoint completes.
 */
final class TrinoUpsertCommits {

    private TrinoUpsertCommits() {
    }

    static void flushAndCommit(TrinoSinkConnector sink, long checkpointId) throws Exception {
        sink.flush();
        List<byte[]> staged = sink.committables(checkpointId);
        try (TrinoMergeCommitter committer = new TrinoMergeCommitter(sink.settings(), Duration.ofMillis(50))) {
            committer.open();
            committer.commit("it", checkpointId, staged);
        }
    }
}
