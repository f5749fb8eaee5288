package io.dataflow.flink.connector.iceberg;

import io.dataflow.flink.config.ConfigValues;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

import java.io.Serializable;

/** A table's namespace (dots separate levels) and name, as written in the manifest. */
public record TableAddress(String namespace, String table) implements Serializable {

    public static TableAddress from(ConfigValues config) {
        return new TableAddress(config.get(IcebergOptions.NAMESPACE).trim(), config.get(IcebergOptions.TABLE).trim());
    }

    public Namespace icebergNamespace() {
        return Namespace.of(namespace.split("\\."));
    }

    public TableIdentifier identifier() {
        return TableIdentifier.of(icebergNamespace(), table);
    }

    /** Rejects empty levels and names; the message names the field. */
    public static String problem(String namespace, String table) {
        if (namespace == null || namespace.isBlank() || namespace.startsWith(".") || namespace.endsWith(".") || namespace.contains("..")) {
            return "namespace: must be one or more non-empty names separated by dots";
        }
        if (table == null || table.isBlank() || table.contains(".")) {
            return "table: must be a plain name (put levels into namespace)";
        }
        return null;
    }

    @Override
    public String toString() {
        return namespace + "." + table;
    }
}
