package io.dataflow.flink.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as users start it, {@code java -jar target/dataflow-flink.jar …}, with the class-data archive the
 * build wrote beside it ({@code mvn package}'s class-archive execution): the job's JVM maps the jar's classes from
 * it, and an archive that does not match the jar is left unmapped without a word on the command's output. The JVM's
 * own class-loading log says where each class came from. No server: {@code validate} is enough to load the job's classes.
 */
class ClassDataArchiveITCase {

    private static final String MANIFEST_CLASS = "io.dataflow.flink.manifest.ManifestParser";
    private static final Path PROJECT = Path.of(System.getProperty("dataflow.project.dir", ".")).toAbsolutePath();

    @TempDir
    Path work;

    private record Result(int exitCode, String output, String classLoading) {
    }

    @Test
    void theJobsJvmMapsTheClassesFromTheArchiveTheBuildWroteBesideTheJar() throws Exception {
        Path jar = PROJECT.resolve("target/dataflow-flink.jar");
        Path archive = ClassDataArchive.of(Launcher.classpath(jar, PROJECT.resolve("target/flink-lib"))).file();
        assertThat(archive).as("written by mvn package (class-archive execution) for this jar and this Java").exists();

        Result result = validate(jar);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).startsWith("valid: orders-to-postgres");
        assertThat(result.classLoading()).contains(MANIFEST_CLASS + " source: shared objects file (top)");
    }

    @Test
    void anArchiveThatDoesNotMatchTheJarIsNotMappedAndTheOutputStaysAsItWas() throws Exception {
        Path built = PROJECT.resolve("target/dataflow-flink.jar");
        Path builtArchive = ClassDataArchive.of(Launcher.classpath(built, PROJECT.resolve("target/flink-lib"))).file();
        assertThat(builtArchive).as("written by mvn package").exists();
        // the same jar elsewhere, with the build's archive under the name the launcher looks for there: Java
        // refuses it (it was written for target/'s paths and times)
        Path copy = Files.copy(built, work.resolve("dataflow-flink.jar"));
        Path lib = Files.createSymbolicLink(work.resolve("flink-lib"), PROJECT.resolve("target/flink-lib"));
        Files.copy(builtArchive, ClassDataArchive.of(Launcher.classpath(copy, lib)).file());

        Result refused = validate(copy);
        Result mapped = validate(built);

        assertThat(refused.exitCode()).as(refused.output()).isZero();
        assertThat(refused.output()).isEqualTo(mapped.output());
        assertThat(refused.classLoading()).contains(MANIFEST_CLASS + " source: file:")
                .doesNotContain(MANIFEST_CLASS + " source: shared objects file");
    }

    /** {@code java -jar JAR validate} of an example, with the class-loading log of the launcher's JVM and the job's. */
    private Result validate(Path jar) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path output = work.resolve(run + ".out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xlog:class+load=info:file=" + work.resolve(run + "-%p.classes"),
                "-jar", jar.toString(), "validate", PROJECT.resolve("jobs/examples/kafka-to-postgres.yaml").toString()))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("validate ends").isTrue();
        } finally {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        StringBuilder classLoading = new StringBuilder();
        try (Stream<Path> logs = Files.list(work)) {
            for (Path log : logs.filter(f -> f.getFileName().toString().startsWith(run + "-")).toList()) {
                classLoading.append(Files.readString(log, StandardCharsets.UTF_8));
            }
        }
        return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8), classLoading.toString());
    }
}
