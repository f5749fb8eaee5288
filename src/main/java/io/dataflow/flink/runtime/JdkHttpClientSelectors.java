package io.dataflow.flink.runtime;

/**
 * Stops the selector threads of the JDK HTTP clients the job's code created (the Nessie client and the Nessie
 * preflight use {@code java.net.http.HttpClient}). A client's {@code HttpClient-N-SelectorManager} thread ends only once
 * the client is unreachable and no exchange is pending; after every ended Nessie job one of them still ran, with a
 * request of the Nessie client still reachable, and the thread, started from the job's code, kept the job's class loader
 * (ClassLoaderLeakITCase). Interrupting it makes it close the client's connections and end; the job that used the
 * client is over.
 */
final class JdkHttpClientSelectors {

    private JdkHttpClientSelectors() {
    }

    static void stop(ClassLoader jobLoader) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (name.startsWith("HttpClient-") && name.endsWith("-SelectorManager") && ThreadOwnership.inheritsContextOf(thread, jobLoader)) {
                thread.interrupt();
            }
        }
    }
}
