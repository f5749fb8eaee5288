package io.dataflow.flink.runtime;

import org.apache.iceberg.util.ThreadPools;

/**
 * Shuts down Iceberg's shared worker pools ({@link ThreadPools#getWorkerPool()}, {@link ThreadPools#getDeleteWorkerPool()})
 * of the job's copy of Iceberg. They are static and never shut down by Iceberg, and their idle threads, started by the
 * job's code, keep the job's class loader alive after the job ended on a session cluster. Only when such a thread of
 * this job lives: asking {@link ThreadPools} for the pools otherwise would create them (and their shutdown hooks).
 */
final class IcebergWorkerPools {

    private static final String WORKER_POOL = "iceberg-worker-pool-";
    private static final String DELETE_WORKER_POOL = "iceberg-delete-worker-pool-";

    private IcebergWorkerPools() {
    }

    static void shutDown(ClassLoader jobLoader) {
        boolean started = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> (t.getName().startsWith(WORKER_POOL) || t.getName().startsWith(DELETE_WORKER_POOL))
                        && ThreadOwnership.inheritsContextOf(t, jobLoader));
        if (started) {
            ThreadPools.getWorkerPool().shutdownNow();
            ThreadPools.getDeleteWorkerPool().shutdownNow();
        }
    }
}
