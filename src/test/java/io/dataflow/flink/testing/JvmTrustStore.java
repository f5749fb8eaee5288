package io.dataflow.flink.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Makes the JVM's default trust store a given PKCS12 file until closed, as a deployment that trusts an internal CA
 * does with {@code -Djavax.net.ssl.trustStore=…} in {@code env.java.opts.all}. The JDK reads these properties each
 * time a default trust manager is made, so clients built while this is open (trino-jdbc's, in a MiniCluster task)
 * trust the file's certificates; the previous values come back on close.
 */
public final class JvmTrustStore implements AutoCloseable {

    private static final String[] KEYS = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword",
            "javax.net.ssl.trustStoreType"};

    private final Map<String, String> previous = new HashMap<>();

    private JvmTrustStore(Path store, String password) {
        for (String key : KEYS) {
            previous.put(key, System.getProperty(key));
        }
        System.setProperty(KEYS[0], store.toString());
        System.setProperty(KEYS[1], password);
        System.setProperty(KEYS[2], "PKCS12");
    }

    public static JvmTrustStore use(Path store, String password) {
        return new JvmTrustStore(store, password);
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }
}
