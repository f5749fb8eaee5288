package io.dataflow.flink.connector.iceberg;

import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Commits one checkpoint's data files as one Iceberg append, exactly once. Every snapshot it creates carries the
 * commit user and the checkpoint id in its summary; before committing, the table's history (the ancestors of the
 * current snapshot) tells whether that user already committed this checkpoint or a later one — after a restart,
 * the notification of a completed checkpoint may have been lost after the commit itself succeeded. Conflicts with
 * concurrent writers are retried by Iceberg (refresh and re-apply); a commit whose outcome is unknown is checked
 * against the history before it is tried again.
 */
final class CheckpointCommitter {

    static final String COMMIT_USER = "dataflow.commit-user";
    static final String CHECKPOINT_ID = "dataflow.checkpoint-id";

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointCommitter.class);
    private static final int ATTEMPTS = 5;

    private CheckpointCommitter() {
    }

    /** The newest checkpoint {@code commitUser} committed to this table, or -1. */
    static long lastCommittedCheckpoint(Table table, String commitUser) {
        if (table.currentSnapshot() == null) {
            return -1;
        }
        for (Snapshot s : SnapshotUtil.currentAncestors(table)) {
            if (commitUser.equals(s.summary().get(COMMIT_USER))) {
                return Long.parseLong(s.summary().get(CHECKPOINT_ID));
            }
        }
        return -1;
    }

    /** Commits one writer's pending files (state of a version whose writers committed themselves). */
    static boolean commit(Table table, PendingCommit pending) throws IOException, InterruptedException {
        return commit(table, pending.commitUser(), pending.checkpointId(), List.of(pending.manifest()));
    }

    /**
     * Commits the files of all {@code manifests} (encoded {@link ManifestFile}s, one per writer) as one append,
     * unless {@code commitUser} committed this checkpoint or a later one already; returns whether this call created a
     * snapshot.
     */
    static boolean commit(Table table, String commitUser, long checkpointId, List<byte[]> manifests)
            throws IOException, InterruptedException {
        List<ManifestFile> decoded = new ArrayList<>(manifests.size());
        for (byte[] manifest : manifests) {
            decoded.add(ManifestFiles.decode(manifest));
        }
        for (int attempt = 1; ; attempt++) {
            table.refresh();
            if (lastCommittedCheckpoint(table, commitUser) >= checkpointId) {
                LOG.info("Iceberg table {}: checkpoint {} of {} is committed already", table.name(), checkpointId, commitUser);
                decoded.forEach(manifest -> deleteQuietly(table, manifest));
                return false;
            }
            AppendFiles append = table.newAppend();
            int files = 0;
            for (ManifestFile manifest : decoded) {
                try (ManifestReader<DataFile> reader = ManifestFiles.read(manifest, table.io(), table.specs())) {
                    for (DataFile file : reader) {
                        append.appendFile(file.copy());
                        files++;
                    }
                }
            }
            append.set(COMMIT_USER, commitUser);
            append.set(CHECKPOINT_ID, Long.toString(checkpointId));
            try {
                long start = System.nanoTime();
                append.commit();
                LOG.info("Iceberg table {}: committed checkpoint {} ({} data files of {} writers) in {} ms", table.name(),
                        checkpointId, files, decoded.size(), (System.nanoTime() - start) / 1_000_000);
                decoded.forEach(manifest -> deleteQuietly(table, manifest));
                return true;
            } catch (CommitFailedException | CommitStateUnknownException e) {
                if (attempt >= ATTEMPTS) {
                    throw new IOException("Iceberg table " + table.name() + ": commit of checkpoint " + checkpointId
                            + " failed " + attempt + " times: " + e.getMessage(), e);
                }
                LOG.warn("Iceberg table {}: commit of checkpoint {} failed (attempt {}), refreshing and retrying: {}",
                        table.name(), checkpointId, attempt, e.getMessage());
                Thread.sleep(200L * attempt);
            }
        }
    }

    /** The manifest only carried the file list through the checkpoint; the committed snapshot has its own. */
    private static void deleteQuietly(Table table, ManifestFile manifest) {
        try {
            table.io().deleteFile(manifest.path());
        } catch (RuntimeException e) {
            LOG.debug("could not delete temporary manifest {}", manifest.path(), e);
        }
    }
}
