package io.dataflow.flink.runtime;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.util.FlinkUserCodeClassLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;

/**
 * Lets go of what would keep the job's class loader alive after the job ends on a session cluster, where it would
 * otherwise pin every class of the jar for the life of the TaskManager until its metaspace runs out
 * (ClassLoaderLeakITCase). JDBC drivers register themselves with {@link DriverManager} (a JDK class) when their class
 * loads (~2 000 classes per finished PostgreSQL job); Iceberg's worker pools, their JVM shutdown hooks, Hadoop's
 * statistics cleaner thread and the selector thread of a JDK HTTP client of the Nessie client are started by the
 * job's code and never end (~6 500 classes, tens of MB of metaspace, per ended Nessie job); the JDK's record methods
 * keep the types of the last records they were generated for ({@link RecordMethodCaches}); the JDK's process reaper
 * threads keep the context class loader of the job that started a process for a minute ({@link ProcessReaperThreads}).
 * Flink runs the hook when it releases the class loader, before it closes it.
 */
public final class UserCodeReleaseHooks {

    private static final Logger LOG = LoggerFactory.getLogger(UserCodeReleaseHooks.class);
    private static final String NAME = "dataflow-release";

    private UserCodeReleaseHooks() {
    }

    /** Registers the hook once per class loader (Flink keeps one per name). */
    public static void register(RuntimeContext context) {
        context.registerUserCodeClassLoaderReleaseHookIfAbsent(NAME, UserCodeReleaseHooks::release);
    }

    /**
     * Everything below, only for a job's own loader: in a MiniCluster or {@code run --local} the jar is on the
     * application class path, shared with everything else in the JVM (tests included), and its drivers, pools and
     * threads must stay. Each step runs even if one before it failed. The pools are shut down before the hooks are
     * removed, as a removed hook would no longer stop them at exit.
     */
    static void release() {
        ClassLoader jobLoader = UserCodeReleaseHooks.class.getClassLoader();
        if (!(jobLoader instanceof FlinkUserCodeClassLoader)) {
            return;
        }
        step("JDBC drivers", UserCodeReleaseHooks::deregisterDrivers);
        step("Iceberg worker pools", () -> IcebergWorkerPools.shutDown(jobLoader));
        step("Hadoop statistics cleaner", () -> HadoopStatisticsCleaner.stop(jobLoader));
        step("JDK HTTP client selectors", () -> JdkHttpClientSelectors.stop(jobLoader));
        step("JDK process reapers", () -> ProcessReaperThreads.release(jobLoader));
        step("JVM shutdown hooks", () -> JobShutdownHooks.remove(jobLoader));
        step("JDK record-method caches", RecordMethodCaches::reset);
    }

    private static void step(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Releasing the job's {} failed; its class loader may stay loaded: {}", what, e.toString());
        }
    }

    /** Deregisters every JDBC driver this class's loader loaded. */
    private static void deregisterDrivers() {
        ClassLoader jobLoader = UserCodeReleaseHooks.class.getClassLoader();
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == jobLoader) {
                try {
                    DriverManager.deregisterDriver(driver);
                } catch (SQLException | SecurityException e) {
                    LOG.warn("Could not deregister JDBC driver {}: {}", driver.getClass().getName(), e.toString());
                }
            }
        }
    }
}
