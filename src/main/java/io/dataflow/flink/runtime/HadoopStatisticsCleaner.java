package io.dataflow.flink.runtime;

/**
 * Stops the job's Hadoop {@code FileSystem.Statistics} cleaner: Hadoop starts one daemon thread per copy of its
 * {@code FileSystem} class (the Iceberg and Nessie connectors' {@code HadoopFileIO} load it from the job's jar), which
 * never ends on its own and keeps the job's class loader through its {@link Runnable}. The thread ends when interrupted
 * (Hadoop logs "Cleaner thread interrupted, will stop").
 */
final class HadoopStatisticsCleaner {

    private static final String NAME = "org.apache.hadoop.fs.FileSystem$Statistics$StatisticsDataReferenceCleaner";

    private HadoopStatisticsCleaner() {
    }

    static void stop(ClassLoader jobLoader) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (NAME.equals(thread.getName()) && ThreadOwnership.runsCodeOf(thread, jobLoader)) {
                thread.interrupt();
            }
        }
    }
}
