package io.dataflow.flink.connector.iceberg.nessie;

import io.dataflow.flink.connector.iceberg.IcebergHadoop;
import org.apache.iceberg.nessie.NessieCatalog;

import java.io.IOException;

/** Opens Iceberg's {@link NessieCatalog} on a branch after the preflight checks (and, for S3 without keys, the AWS credential chain's), a warehouse name resolved to its location. */
public final class NessieCatalogs {

    private NessieCatalogs() {
    }

    /**
     * @param connector names the connector in a refusal, e.g. {@code nessie connector at sink.config}: a job may hold
     *                  several Nessie connectors (source, sink, route sinks), and the 401 alone does not say which one's
     *                  credentials were refused
     */
    public static NessieCatalog open(NessieSettings settings, String connector) throws IOException {
        try {
            NessiePreflight.check(settings);
        } catch (IOException e) {
            throw new IOException(connector + ": " + e.getMessage(), e);
        }
        if (settings.s3() != null) {
            settings.s3().checkCredentials();
        }
        NessieCatalog catalog = new NessieCatalog();
        catalog.setConf(IcebergHadoop.configuration());
        catalog.initialize("nessie", settings.catalogProperties(NessieWarehouse.location(settings)));
        return catalog;
    }
}
