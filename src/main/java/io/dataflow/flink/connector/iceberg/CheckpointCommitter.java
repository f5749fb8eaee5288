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

    /** Commits the pending files unless already committed; returns whether this call created a snapshot. */
    static boolean commit(Table table, PendingCommit pending) throws IOException, InterruptedException {
        ManifestFile manifest = ManifestFiles.decode(pending.manifest());
        for (int attempt = 1; ; attempt++) {
            table.refresh();
            if (lastCommittedCheckpoint(table, pending.commitUser()) >= pending.checkpointId()) {
                LOG.info("Iceberg table {}: checkpoint {} of {} is committed already", table.name(), pending.checkpointId(),
                        pending.commitUser());
                deleteQuietly(table, manifest);
                return false;
            }
            AppendFiles append = table.newAppend();
            int files = 0;
            try (ManifestReader<DataFile> reader = ManifestFiles.read(manifest, table.io(), table.specs())) {
                for (DataFile file : reader) {
                    append.appendFile(file.copy());
                    files++;
                }
            }
            append.set(COMMIT_USER, pending.commitUser());
            append.set(CHECKPOINT_ID, Long.toString(pending.checkpointId()));
            try {
                long start = System.nanoTime();
                append.commit();
                LOG.info("Iceberg table {}: committed checkpoint {} ({} data files) in {} ms", table.name(),
                        pending.checkpointId(), files, (System.nanoTime() - start) / 1_000_000);
                deleteQuietly(table, manifest);
                return true;
            } catch (CommitFailedException | CommitStateUnknownException e) {
                if (attempt >= ATTEMPTS) {
                    throw new IOException("Iceberg table " + table.name() + ": commit of checkpoint " + pending.checkpointId()
                            + " failed " + attempt + " times: " + e.getMessage(), e);
                }
                LOG.warn("Iceberg table {}: commit of checkpoint {} failed (attempt {}), refreshing and retrying: {}",
                        table.name(), pending.checkpointId(), attempt, e.getMessage());
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
