package io.dataflow.flink.cli;

import io.dataflow.flink.compile.Uids;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.util.FileUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Local mode's crash safety: checkpoints go to {@code <dir>/<job>} and are kept when the process dies, and the same
 * command started again resumes from the newest completed one ({@code chk-N/_metadata}). A job that finishes
 * normally deletes its checkpoints: there is nothing left to resume, and a later run of a bounded job must read its
 * input again, not start at its end. {@code --fresh} deletes them before starting.
 */
final class LocalCheckpoints {

    private final Path jobDir;

    LocalCheckpoints(Path baseDir, String jobName) {
        this.jobDir = baseDir.toAbsolutePath().resolve(new Uids(jobName).flow());
    }

    Path dir() {
        return jobDir;
    }

    /** Points Flink's checkpoints at the job's directory and, when one exists, restores from the newest. */
    Optional<Path> configure(Configuration conf, boolean fresh) {
        if (fresh) {
            delete();
        }
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, jobDir.toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        Optional<Path> latest = latest();
        latest.ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toUri().toString()));
        return latest;
    }

    /** The newest {@code chk-N} directory with a {@code _metadata} file (a completed checkpoint) under the job's dir. */
    Optional<Path> latest() {
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(jobDir, 3, (p, a) -> p.getFileName().toString().equals("_metadata")
                && p.getParent().getFileName().toString().startsWith("chk-"))) {
            return files.max(Comparator.comparingLong(LocalCheckpoints::modified)).map(Path::getParent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoints under " + jobDir, e);
        }
    }

    /**
     * Deletes the job's checkpoints. Flink's checkpoint cleaner may be discarding the same directories on its own
     * thread right after a job finished; Flink's {@code FileUtils.deleteDirectory} tolerates that.
     */
    void delete() {
        try {
            FileUtils.deleteDirectory(jobDir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete checkpoints under " + jobDir, e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
