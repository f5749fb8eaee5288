package io.dataflow.flink.runtime;

import java.lang.reflect.Field;

/**
 * Tells whether a thread belongs to a job's user-code class loader, for the release hooks
 * ({@link UserCodeReleaseHooks}) that end such threads. A thread keeps the loader of its own class, of the
 * {@link Runnable} it was created with and of the code that created it (its inherited access-control context holds
 * that code's protection domains), so a thread started by the job's classes pins the job's loader until it ends.
 */
final class ThreadOwnership {

    private ThreadOwnership() {
    }

    /** The thread's class or the {@link Runnable} it runs was loaded by {@code loader}. */
    static boolean runsCodeOf(Thread thread, ClassLoader loader) {
        if (thread.getClass().getClassLoader() == loader) {
            return true;
        }
        Object task = task(thread);
        return task != null && task.getClass().getClassLoader() == loader;
    }

    /**
     * The thread's context class loader is {@code loader} or Flink's safety-net wrapper of it (what Flink sets on task
     * threads, and what threads they start inherit): a loader that resolves this very class to this class object. The
     * loader of another job resolves its own copy, a closed wrapper throws, Flink's own loader does not know the class.
     */
    static boolean inheritsContextOf(Thread thread, ClassLoader loader) {
        ClassLoader context = thread.getContextClassLoader();
        if (context == null) {
            return false;
        }
        if (context == loader) {
            return true;
        }
        try {
            return context.loadClass(ThreadOwnership.class.getName()) == ThreadOwnership.class;
        } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * The {@link Runnable} the thread was created with: {@code Thread.target} up to JDK 18, {@code Thread.holder.task}
     * from JDK 19. Reading it needs {@code --add-opens=java.base/java.lang=ALL-UNNAMED}, which Flink's
     * {@code env.java.opts.all} (flink-conf/config.yaml) sets; without it the answer is null.
     */
    private static Object task(Thread thread) {
        try {
            return field(Thread.class, "target").get(thread);
        } catch (NoSuchFieldException e) {
            try {
                Object holder = field(Thread.class, "holder").get(thread);
                return holder == null ? null : field(holder.getClass(), "task").get(holder);
            } catch (ReflectiveOperationException | RuntimeException inner) {
                return null;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
