package io.dataflow.flink.runtime;

/**
 * Makes the JDK's {@code process reaper} threads forget the job's class loader. Java 17 starts a reaper thread (from a
 * JVM-wide cached pool, 60 s keep-alive) for every process a job starts and gives it the starting thread's context
 * class loader; a job's Hadoop code starts one as soon as its {@code org.apache.hadoop.util.Shell} class loads (its
 * static initialiser runs {@code setsid} to see whether it is available). The idle reaper then held the ended job's
 * loader for another minute (ClassLoaderLeakITCase). The pool is the JDK's and cannot be shut down; the reaper only runs
 * JDK code, which needs no context class loader, so it gets none, as on newer JDKs, whose reapers are system threads.
 */
final class ProcessReaperThreads {

    private static final String NAME = "process reaper";

    private ProcessReaperThreads() {
    }

    static void release(ClassLoader jobLoader) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (NAME.equals(thread.getName()) && ThreadOwnership.inheritsContextOf(thread, jobLoader)) {
                thread.setContextClassLoader(null);
            }
        }
    }
}
