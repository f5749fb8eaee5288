package io.dataflow.flink.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Removes the JVM shutdown hooks the job's libraries registered: a registered hook is a thread object the JVM keeps
 * until it exits, and with its class or its {@link Runnable} it keeps the job's class loader. Iceberg's worker pools
 * register one each (Guava's exiting executor service, see {@link IcebergWorkerPools}). The JVM offers no list of its
 * hooks, so this reads {@code java.lang.ApplicationShutdownHooks.hooks}, which Flink's {@code env.java.opts.all}
 * (flink-conf/config.yaml: {@code --add-opens=java.base/java.lang=ALL-UNNAMED}) makes readable.
 */
final class JobShutdownHooks {

    private static final Logger LOG = LoggerFactory.getLogger(JobShutdownHooks.class);

    private JobShutdownHooks() {
    }

    static void remove(ClassLoader jobLoader) {
        List<Thread> ours = new ArrayList<>();
        try {
            Class<?> registry = Class.forName("java.lang.ApplicationShutdownHooks");
            Field hooksField = registry.getDeclaredField("hooks");
            hooksField.setAccessible(true);
            synchronized (registry) {
                Map<?, ?> hooks = (Map<?, ?>) hooksField.get(null);
                if (hooks == null) {
                    return; // the JVM is exiting
                }
                for (Object hook : hooks.keySet()) {
                    if (hook instanceof Thread thread && ThreadOwnership.runsCodeOf(thread, jobLoader)) {
                        ours.add(thread);
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Could not list the JVM shutdown hooks (the job's class loader may stay loaded; "
                    + "run the TaskManager with --add-opens=java.base/java.lang=ALL-UNNAMED): {}", e.toString());
            return;
        }
        for (Thread hook : ours) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                return; // the JVM is exiting
            }
        }
    }
}
