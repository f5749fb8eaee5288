package io.dataflow.flink.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ChildTempDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void thePidIsReadFromTheLaunchersNamesOnly() {
        assertThat(ChildTempDirectory.launcherPid("dataflow-run-4242-987654321")).isEqualTo(OptionalLong.of(4242));
        assertThat(ChildTempDirectory.launcherPid("dataflow-run-987654321")).as("no pid part").isEmpty();
        assertThat(ChildTempDirectory.launcherPid("dataflow-run-x1-2")).isEmpty();
        assertThat(ChildTempDirectory.launcherPid("other-4242-1")).isEmpty();
    }

    @Test
    void onlyTheDirectoriesOfEndedLaunchersAreDeleted() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path abandoned = Files.createDirectories(tmp.resolve("dataflow-run-" + ended.pid() + "-1/minicluster_x"));
        Files.writeString(abandoned.resolve("flink-rpc-akka.jar"), "x");
        Path live = Files.createDirectories(tmp.resolve("dataflow-run-" + ProcessHandle.current().pid() + "-2"));
        Path unrelated = Files.createDirectories(tmp.resolve("dataflow-run-notapid"));

        ChildTempDirectory.deleteAbandoned(tmp);

        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(live.getFileName().toString(), unrelated.getFileName().toString());
        }
    }
}
