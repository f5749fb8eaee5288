package io.dataflow.flink.runtime;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;

/**
 * Lets go of what would keep the job's class loader alive after the job ends on a session cluster. JDBC drivers
 * register themselves with {@link DriverManager} (a JDK class) when their class loads, so the PostgreSQL and Trino
 * drivers of the shaded jar would pin the user-code class loader, and with it every class of the jar, for the life of
 * the TaskManager: each finished job left ~2 000 classes behind (ClassLoaderLeakITCase). Flink runs the hook when it
 * releases the class loader.
 */
public final class UserCodeReleaseHooks {

    private static final Logger LOG = LoggerFactory.getLogger(UserCodeReleaseHooks.class);
    private static final String NAME = "dataflow-jdbc-drivers";

    private UserCodeReleaseHooks() {
    }

    /** Registers the hook once per class loader (Flink keeps one per name). */
    public static void register(RuntimeContext context) {
        context.registerUserCodeClassLoaderReleaseHookIfAbsent(NAME, UserCodeReleaseHooks::deregisterDrivers);
    }

    /** Deregisters every JDBC driver this class's loader loaded. */
    static void deregisterDrivers() {
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
