package io.dataflow.flink.bench;

/**
 * The one line a contender prints when it is done, parsed by {@link BenchMain}: records moved and the time the
 * moving took (job run time, excluding JVM and cluster start-up, which is the same for everyone).
 */
final class BenchReport {

    static final String PREFIX = "BENCH records=";

    private BenchReport() {
    }

    static void print(long records, long millis) {
        System.out.println(PREFIX + records + " millis=" + millis);
    }
}
