package io.dataflow.flink.connector.iceberg;

import org.apache.iceberg.catalog.Catalog;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Serializable;

/** Opens the catalog a connector's table lives in (Nessie, a REST catalog); checks it first where it can. */
@FunctionalInterface
public interface CatalogConnection extends Serializable {

    Catalog open() throws IOException;

    /** Closes a catalog opened by {@link #open} where it holds resources (HTTP clients); a failure only matters to debugging. */
    static void closeQuietly(Catalog catalog) {
        if (catalog instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(CatalogConnection.class).debug("closing the catalog failed", e);
            }
        }
    }
}
