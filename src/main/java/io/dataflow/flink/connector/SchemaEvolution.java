package io.dataflow.flink.connector;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigField;

import java.util.Locale;

/**
 * What a sink does when a record does not fit its table's schema: it carries a field the table has no column for,
 * or a number wider than its column's type. The names follow Flink CDC's {@code schema.change.behavior}
 * ({@code ignore}, {@code evolve}; {@code fail} is its {@code exception}, per record instead of per job).
 */
public enum SchemaEvolution {

    /** Fields without a column are left out (logged once per name), the rest is written; the default. */
    IGNORE,
    /** A field without a column becomes a new nullable column; a number wider than its column widens the column. */
    EVOLVE,
    /** Such a record goes to the error sink with a reason that names the field. */
    FAIL;

    public static final ConfigField<String> OPTION = ConfigField.enumOf("schemaEvolution", "ignore", "evolve", "fail")
            .defaultValue("ignore")
            .description("A record field the table has no column for, or a number wider than its column: ignore: "
                    + "the field is left out (as the original); evolve: ALTER TABLE adds the column (nullable, type "
                    + "inferred as autoCreateTable does) or widens it (int → bigint, real/Float32 → double; never "
                    + "narrower); fail: the record goes to the error sink, the reason naming the field")
            .build();

    public static SchemaEvolution from(ConfigValues config) {
        return valueOf(config.get(OPTION).toUpperCase(Locale.ROOT));
    }

    /** The reason a record is refused for a field the table has no column for; never holds the value. */
    public String notAColumn(String field, Object table) {
        return missingColumn(field, table) + " (" + optionText() + ")";
    }

    /**
     * The reason a record is refused for a number its column's type cannot hold; {@code wider} is the type that
     * would (null when no type the sink may widen to holds it). Never holds the value.
     */
    public String doesNotFit(String field, String type, Object table, String wider) {
        return narrowColumn(field, type, table, wider) + " (" + optionText() + ")";
    }

    /**
     * The reason a record is refused when the ALTER TABLE meant to make it fit failed: {@link #notAColumn}'s words
     * ({@code type} null: adding the column failed) or {@link #doesNotFit}'s ({@code type} the column's: widening it
     * to {@code wider} failed), then why ({@code failure}, the server's message). Never holds the value.
     */
    public String addingOrWideningFailed(String field, String type, Object table, String wider, String failure) {
        String what = type == null ? missingColumn(field, table) + "; adding it"
                : narrowColumn(field, type, table, wider) + "; widening it";
        return what + " failed: " + failure + " (" + optionText() + ")";
    }

    private static String missingColumn(String field, Object table) {
        return "field " + field + " is not a column of " + table;
    }

    private static String narrowColumn(String field, String type, Object table, String wider) {
        return "field " + field + " does not fit column type " + type + " of " + table
                + (wider != null ? ", it needs " + wider : " and no wider type holds it");
    }

    private String optionText() {
        return OPTION.name() + ": " + name().toLowerCase(Locale.ROOT);
    }
}
