package io.dataflow.flink.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The application class-data archive of the job's JVM (docs/OPERATIONS.md#start-up-the-class-data-archive): the
 * classes a local run loads, already parsed and verified, which the JVM maps instead of reading them from the jars;
 * a run's fixed start-up cost falls by about a third (docs/BENCHMARKS.md, seventh round). Java 17 maps an archive
 * only for the exact Java runtime and classpath (paths, sizes and modification times of the jars) it was written
 * with, so the file's name carries a digest of both: a rebuilt or moved jar, or another Java, looks for another file
 * and runs without one until {@code class-archive} writes it ({@link ClassArchiveWriter}); the build does that once
 * beside {@code target/dataflow-flink.jar}, the Dockerfile once in the image.
 */
final class ClassDataArchive {

    /** The launcher's command that writes the archive. */
    static final String COMMAND = "class-archive";

    /** JVM options that choose class-data sharing themselves: with any of them the launcher adds none of its own. */
    private static final List<String> USERS_OWN_SHARING = List.of("-Xshare", "-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
            "-XX:-UseSharedSpaces", "-XX:+UseSharedSpaces");
    /**
     * A refused archive (another Java build, say) is a warning on standard output, where it would corrupt the
     * commands' output; the JVM then runs without it, which is all the launcher wants.
     */
    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private final Path file;
    private final String classpath;

    private ClassDataArchive(Path file, String classpath) {
        this.file = file;
        this.classpath = classpath;
    }

    /** The archive for this Java runtime and the job JVM's classpath, whose first entry is the jar. */
    static ClassDataArchive of(List<Path> classpath) {
        return of(classpath, System.getProperty("java.home") + " " + System.getProperty("java.vm.version"));
    }

    static ClassDataArchive of(List<Path> classpath, String javaRuntime) {
        Path jar = classpath.get(0).toAbsolutePath();
        String stem = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        return new ClassDataArchive(jar.resolveSibling(stem + "-" + digest(classpath, javaRuntime) + ".jsa"),
                classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
    }

    Path file() {
        return file;
    }

    /** The options that map the archive into the job's JVM: none when it is not written yet or the user chose sharing. */
    List<String> optionsToMap(List<String> jvmOptions) {
        if (choosesSharing(jvmOptions) || !Files.isRegularFile(file)) {
            return List.of();
        }
        return concat(QUIET, List.of("-XX:SharedArchiveFile=" + file));
    }

    /** The options that make a JVM write the archive to {@code target} when it exits. */
    static List<String> optionsToWrite(Path target) {
        return concat(QUIET, List.of("-XX:ArchiveClassesAtExit=" + target));
    }

    static boolean choosesSharing(List<String> jvmOptions) {
        return jvmOptions.stream().anyMatch(option -> USERS_OWN_SHARING.stream().anyMatch(option::startsWith));
    }

    String classpath() {
        return classpath;
    }

    /** A file beside the archive for a training run to write, unique to this process. */
    Path scratchFile() {
        return file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    }

    /**
     * Puts a written archive in place in one step (a job starting meanwhile maps the old one or the new one, never
     * half of one) and deletes the archives of earlier builds of the same jar.
     */
    void install(Path written) throws IOException {
        Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        String earlier = file.getFileName().toString().replaceFirst("-[0-9a-f]+\\.jsa$", "-*.jsa");
        try (DirectoryStream<Path> archives = Files.newDirectoryStream(file.getParent(), earlier)) {
            for (Path archive : archives) {
                if (!archive.equals(file)) {
                    Files.deleteIfExists(archive);
                }
            }
        }
    }

    /** Java runtime, then each classpath entry's path, size and modification time: what Java 17 checks before mapping. */
    private static String digest(List<Path> classpath, String javaRuntime) {
        StringBuilder identity = new StringBuilder(javaRuntime).append('\n');
        for (Path entry : classpath) {
            try {
                identity.append(entry.toAbsolutePath()).append('\t').append(Files.size(entry)).append('\t')
                        .append(Files.getLastModifiedTime(entry).toMillis()).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + entry, e);
            }
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(identity.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
