package io.dataflow.flink.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar dataflow-flink.jar class-archive}: writes the jar's {@link ClassDataArchive} by starting the job's
 * JVM on {@link ClassArchiveTraining} with {@code -XX:ArchiveClassesAtExit}. The training run's output (Flink's
 * start-up warnings) goes to a log file that is shown only when the run fails. Runs in the launcher's JVM, without
 * Flink on the classpath.
 */
final class ClassArchiveWriter {

    private final String java;
    private final List<String> jvmOptions;

    ClassArchiveWriter(String java, List<String> jvmOptions) {
        this.java = java;
        this.jvmOptions = jvmOptions;
    }

    /** Exit code 0 once the archive is in place, 1 when the training run failed (its log is named). */
    int write(ClassDataArchive archive, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        if (ClassDataArchive.choosesSharing(jvmOptions)) {
            err.println("error: class-archive writes the archive with its own class-data sharing options; run it without "
                    + String.join(" ", jvmOptions.stream().filter(o -> ClassDataArchive.choosesSharing(List.of(o))).toList()));
            return 2;
        }
        Path scratch = archive.scratchFile();
        Path log = Files.createTempFile("dataflow-class-archive-", ".log");
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(ClassDataArchive.optionsToWrite(scratch));
        List<String> command = Launcher.childJvm(java, options, archive.classpath(), ClassArchiveTraining.class, List.of());
        Process training = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(training::destroy));
        int exitCode = training.waitFor();
        if (exitCode != 0 || !Files.isRegularFile(scratch)) {
            Files.deleteIfExists(scratch);
            String why = exitCode != 0 ? "the training run ended with exit code " + exitCode
                    : "the JVM wrote no archive to " + scratch.getParent() + " (is it writable?)";
            err.println("error: the class-data archive was not written: " + why + "; the training run's output: " + log
                    + ". Jobs start as before, without it.");
            return 1;
        }
        archive.install(scratch);
        Files.delete(log);
        out.println("class-data archive written: " + archive.file() + " (" + Files.size(archive.file()) / (1024 * 1024)
                + " MB); `java -jar` maps it while the jar, the Flink runtime beside it and the Java runtime stay as they are");
        return 0;
    }
}
