package io.dataflow.flink.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The job's JVM's {@code java.io.tmpdir}: a directory of its own inside the launcher's, deleted by the launcher once the
 * job's JVM has ended. Flink writes files there that only its orderly shutdown removes: the MiniCluster copies its RPC
 * system ({@code flink-rpc-akka<uuid>.jar}, about 20 MB) there at every start and deletes it when the RPC system
 * closes, which a JVM that exits right after its job, or is stopped, does not wait for; every local run left one
 * behind. The launcher outlives its child, so it can clean up after any end of the child but {@code kill -9} of the
 * launcher itself.
 */
final class ChildTempDirectory {

    private ChildTempDirectory() {
    }

    /** A new, empty directory inside this JVM's {@code java.io.tmpdir}. */
    static Path create() throws IOException {
        return Files.createTempDirectory("dataflow-run-");
    }

    /** The option that makes the child use {@code directory}; placed after the user's options, it wins over theirs. */
    static String jvmOption(Path directory) {
        return "-Djava.io.tmpdir=" + directory;
    }

    /** Deletes {@code directory} and everything in it; what cannot be deleted is reported on stderr and left. */
    static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("dataflow-flink: could not delete the job's temporary directory " + directory + ": " + e.getMessage());
        }
    }
}
