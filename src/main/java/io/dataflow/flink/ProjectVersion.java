package io.dataflow.flink;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The project's version, the pom's: the build writes it into {@code io/dataflow/flink/version.properties}
 * (src/main/resources-filtered). {@code --version} prints it and the default image of {@code k8s} is tagged with it.
 */
public final class ProjectVersion {

    public static final String VERSION = read();

    private ProjectVersion() {
    }

    private static String read() {
        try (InputStream in = ProjectVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/dataflow/flink/version.properties is missing: build with Maven");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
