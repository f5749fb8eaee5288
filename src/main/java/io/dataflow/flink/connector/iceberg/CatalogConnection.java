package io.dataflow.flink.connector.iceberg;

import org.apache.iceberg.catalog.Catalog;

import java.io.IOException;
import java.io.Serializable;

/** Opens the catalog a connector's table lives in (Nessie, a REST catalog); checks it first where it can. */
@FunctionalInterface
public interface CatalogConnection extends Serializable {

    Catalog open() throws IOException;
}
