package io.dataflow.flink.cli;

/**
 * The JVM {@link Launcher} starts for {@code java -jar} ends when the launcher ends, however it ends. The launcher's
 * shutdown hook stops it on Ctrl-C and SIGTERM, but {@code kill -9} runs no hook, and the job's JVM would keep
 * running (holding its ports, writing to its sinks) with nobody to stop it. The launcher passes its pid in
 * {@link #PARENT_PID}; this JVM watches it and halts when it is gone — like {@code kill -9} of the whole command:
 * checkpoints stay for the next start to resume from, open Kafka transactions are aborted by it.
 */
final class ParentWatch {

    /** System property the launcher sets in its child: the launcher's pid. */
    static final String PARENT_PID = "dataflow.launcher.pid";

    private ParentWatch() {
    }

    /** True when this JVM was started by the launcher (so it is not inside a Flink process). */
    static boolean startedByLauncher() {
        return System.getProperty(PARENT_PID) != null;
    }

    /** When started by the launcher: halts this JVM as soon as the launcher process has ended. */
    static void endWithParent() {
        String pid = System.getProperty(PARENT_PID);
        if (pid == null) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid)).ifPresentOrElse(
                parent -> parent.onExit().thenRun(ParentWatch::halt),
                ParentWatch::halt);
    }

    private static void halt() {
        System.err.println("dataflow-flink: the launching process (pid " + System.getProperty(PARENT_PID) + ") has ended; stopping");
        Runtime.getRuntime().halt(137);
    }
}
