package io.dataflow.flink.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class LocalCheckpointsTest {

    @TempDir
    Path base;

    /**
     * A finished job's checkpoints are also discarded by Flink's own checkpoint cleaner, on another thread, at the same
     * time as the CLI deletes them: a directory vanishing under the walk must not turn a finished job into a failed one.
     */
    @Test
    void deletingToleratesCheckpointsThatFlinkDeletesAtTheSameTime() throws Exception {
        LocalCheckpoints checkpoints = new LocalCheckpoints(base, "race");
        for (int round = 0; round < 100; round++) {
            for (int c = 1; c <= 20; c++) {
                Path chk = checkpoints.dir().resolve("job-id").resolve("chk-" + c);
                Files.createDirectories(chk);
                Files.writeString(chk.resolve("_metadata"), "x");
                Files.writeString(chk.resolve("state-" + c), "y");
            }
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<Void> flinksCleaner = CompletableFuture.runAsync(() -> {
                await(start);
                checkpoints.delete();
            });
            await(start);
            assertThatCode(checkpoints::delete).as("round %d", round).doesNotThrowAnyException();
            flinksCleaner.join();
            assertThat(checkpoints.dir()).doesNotExist();
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
