package io.dataflow.flink.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which archive a classpath maps, when the launcher maps it, and how a new one replaces the earlier ones. */
class ClassDataArchiveTest {

    private static final String JAVA = "/usr/lib/jvm/java-17 17.0.17+10";

    @TempDir
    Path dir;

    private List<Path> classpath() throws Exception {
        Files.createDirectories(dir.resolve("flink-lib"));
        Path jar = Files.writeString(dir.resolve("dataflow-flink.jar"), "jar");
        Path flink = Files.writeString(dir.resolve("flink-lib/flink-dist.jar"), "flink");
        return List.of(jar, flink);
    }

    @Test
    void theArchiveLiesBesideTheJarNamedAfterItAndAfterWhatJavaChecksBeforeMappingIt() throws Exception {
        List<Path> classpath = classpath();
        Path file = ClassDataArchive.of(classpath, JAVA).file();
        assertThat(file.getParent()).isEqualTo(dir.toAbsolutePath());
        assertThat(file.getFileName().toString()).matches("dataflow-flink-[0-9a-f]{16}\\.jsa");
        assertThat(ClassDataArchive.of(classpath, JAVA).file()).as("same jars, same Java").isEqualTo(file);

        assertThat(ClassDataArchive.of(classpath, "/usr/lib/jvm/java-17 17.0.18+8").file()).as("another Java build")
                .isNotEqualTo(file);
        Files.setLastModifiedTime(classpath.get(1), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        assertThat(ClassDataArchive.of(classpath, JAVA).file()).as("a runtime jar with another modification time")
                .isNotEqualTo(file);
        Path touched = ClassDataArchive.of(classpath, JAVA).file();
        Files.writeString(classpath.get(0), "rebuilt");
        assertThat(ClassDataArchive.of(classpath, JAVA).file()).as("the jar with another size").isNotEqualTo(touched);
    }

    @Test
    void theJobsJvmMapsTheArchiveOnlyOnceItIsWrittenAndTheUserChoseNoSharingOfTheirOwn() throws Exception {
        ClassDataArchive archive = ClassDataArchive.of(classpath(), JAVA);
        assertThat(archive.optionsToMap(List.of("-Xmx512m"))).as("not written yet").isEmpty();

        Files.writeString(archive.file(), "archive");
        assertThat(archive.optionsToMap(List.of("-Xmx512m")))
                .containsExactly("-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-XX:SharedArchiveFile=" + archive.file());
        assertThat(archive.optionsToMap(List.of("-Xshare:off"))).isEmpty();
        assertThat(archive.optionsToMap(List.of("-XX:SharedArchiveFile=/elsewhere.jsa"))).isEmpty();
        assertThat(archive.optionsToMap(List.of("-XX:ArchiveClassesAtExit=/new.jsa"))).isEmpty();
    }

    @Test
    void theClasspathIsTheJarThenTheRuntimesJarsByName() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        for (String name : List.of("log4j-core.jar", "flink-dist.jar", "README.txt", "FLINK-PYTHON.JAR")) {
            Files.writeString(lib.resolve(name), name);
        }
        Path jar = dir.resolve("dataflow-flink.jar");
        assertThat(Launcher.classpath(jar, lib)).containsExactly(jar, lib.resolve("FLINK-PYTHON.JAR"),
                lib.resolve("flink-dist.jar"), lib.resolve("log4j-core.jar"));
    }

    @Test
    void aNewArchiveReplacesTheOneInPlaceAndTheEarlierBuildsArchives() throws Exception {
        ClassDataArchive archive = ClassDataArchive.of(classpath(), JAVA);
        Path earlierBuild = Files.writeString(dir.resolve("dataflow-flink-0123456789abcdef.jsa"), "earlier");
        Path otherJars = Files.writeString(dir.resolve("other-0123456789abcdef.jsa"), "other");
        Files.writeString(archive.file(), "old");
        Path written = Files.writeString(archive.scratchFile(), "new");

        archive.install(written);

        assertThat(archive.file()).hasContent("new");
        assertThat(written).doesNotExist();
        assertThat(earlierBuild).doesNotExist();
        assertThat(otherJars).exists();
    }

    @Test
    void theCommandStartedWithoutTheLauncherSaysWhereItRuns() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exitCode = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "class-archive");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("class-archive runs only under `java -jar dataflow-flink.jar class-archive`");
        assertThat(out.toString()).isEmpty();
    }
}
