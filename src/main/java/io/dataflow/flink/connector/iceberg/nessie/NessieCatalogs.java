package io.dataflow.flink.connector.iceberg.nessie;

import io.dataflow.flink.connector.iceberg.IcebergHadoop;
import org.apache.iceberg.nessie.NessieCatalog;

/** Opens Iceberg's {@link NessieCatalog} on a branch after the preflight checks (and, for S3 without keys, the AWS credential chain's), a warehouse name resolved to its location. */
public final class NessieCatalogs {

    private NessieCatalogs() {
    }

    public static NessieCatalog open(NessieSettings settings) throws java.io.IOException {
        NessiePreflight.check(settings);
        if (settings.s3() != null) {
            settings.s3().checkCredentials();
        }
        NessieCatalog catalog = new NessieCatalog();
        catalog.setConf(IcebergHadoop.configuration());
        catalog.initialize("nessie", settings.catalogProperties(NessieWarehouse.location(settings)));
        return catalog;
    }
}
