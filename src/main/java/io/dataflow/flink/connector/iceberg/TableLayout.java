package io.dataflow.flink.connector.iceberg;

import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;

import java.util.Locale;
import java.util.Map;

/**
 * How records map onto a table's columns (docs/ORIGINAL.md#shared-connector-behaviour raw mode, docs/ORIGINAL.md#nessie). Tables the sink creates say which layout
 * they have in a table property, so that the source can read a flattened table back as
 * {@code {"value", "_metadata"}}.
 */
public enum TableLayout {
    /** One {@code data} string column holding the whole body. */
    DATA,
    /** {@code data} + {@code _metadata} strings (raw mode). */
    RAW,
    /** {@code data} + one column per metadata key, named {@code <prefix><key>} (raw mode, flattened). */
    FLATTENED,
    /** An existing table's own columns, filled from the JSON body's fields of the same name. */
    COLUMNAR;

    public static final String LAYOUT_PROPERTY = "dataflow.layout";
    public static final String PREFIX_PROPERTY = "dataflow.metadata-prefix";
    public static final String DATA_COLUMN = "data";
    public static final String METADATA_COLUMN = "_metadata";

    /** The layout a table was created with by this sink, if it says so. */
    public static TableLayout declaredBy(Table table) {
        String declared = table.properties().get(LAYOUT_PROPERTY);
        if (declared == null) {
            return null;
        }
        try {
            return valueOf(declared.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public Map<String, String> properties(String prefix) {
        return this == FLATTENED ? Map.of(LAYOUT_PROPERTY, name().toLowerCase(Locale.ROOT), PREFIX_PROPERTY, prefix)
                : Map.of(LAYOUT_PROPERTY, name().toLowerCase(Locale.ROOT));
    }

    static Types.NestedField column(Schema schema, String name) {
        return schema.caseInsensitiveFindField(name);
    }
}
