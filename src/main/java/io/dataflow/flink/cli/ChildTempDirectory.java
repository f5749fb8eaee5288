package io.dataflow.flink.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The job's JVM's {@code java.io.tmpdir}: a directory of its own inside the launcher's, deleted by the launcher once the
 * job's JVM has ended. Flink writes files there that only its orderly shutdown removes: the MiniCluster copies its RPC
 * system ({@code flink-rpc-akka<uuid>.jar}, about 20 MB) there at every start and deletes it when the RPC system
 * closes, which a JVM that exits right after its job, or is stopped, does not wait for; every local run left one
 * behind. The launcher outlives its child, so it can clean up after any end of the child but {@code kill -9} of the
 * launcher itself; the directory's name carries the launcher's pid, so that the next launcher removes what one that
 * was killed left.
 */
final class ChildTempDirectory {

    private static final String PREFIX = "dataflow-run-";

    private ChildTempDirectory() {
    }

    /**
     * A new, empty directory inside this JVM's {@code java.io.tmpdir}, {@code dataflow-run-<pid>-<random>}, after
     * removing those whose launcher is gone.
     */
    static Path create() throws IOException {
        Path parent = Path.of(System.getProperty("java.io.tmpdir"));
        deleteAbandoned(parent);
        return Files.createTempDirectory(parent, PREFIX + ProcessHandle.current().pid() + "-");
    }

    /**
     * Deletes the directories in {@code parent} whose launcher's process has ended: left by {@code kill -9}, which runs
     * no clean-up. Another user's directories are left alone, silently (they cannot be deleted anyway).
     */
    static void deleteAbandoned(Path parent) {
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path directory : directories) {
                OptionalLong owner = launcherPid(directory.getFileName().toString());
                if (owner.isPresent() && ProcessHandle.of(owner.getAsLong()).isEmpty() && Files.isWritable(directory)) {
                    delete(directory);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // nothing to clean up, or nothing this user may: the new directory does not depend on it
        }
    }

    /** The pid in {@code dataflow-run-<pid>-<random>}; empty for any other name. */
    static OptionalLong launcherPid(String name) {
        int end = name.indexOf('-', PREFIX.length());
        if (!name.startsWith(PREFIX) || end < 0) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(name.substring(PREFIX.length(), end)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
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
