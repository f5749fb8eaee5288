package io.dataflow.flink.connector.postgres;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One text form per key value as the key column's type sees it, so that the sink recognises two records of the same
 * row before the server does: {@code A0EE…} and {@code a0ee…} in a uuid column, {@code 1} and {@code 1.0} in a
 * numeric column, {@code " 7"} and {@code 7} in an integer column are one key. Texts of other types, or texts the
 * type would not accept as they are, are left as they are; the merge statement still deduplicates on the typed key
 * (see {@link SinkStatements#upsertFromStage}), so this only decides which records of a batch the sink combines.
 */
final class KeyValues {

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern UUID = Pattern.compile("\\{?[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}}?");

    private KeyValues() {
    }

    /** The canonical text of {@code text} in a column of {@code type} ({@code format_type} spelling); null stays null. */
    static String canonical(String text, String type) {
        if (text == null || type == null) {
            return text;
        }
        String trimmed = text.strip();
        switch (type) {
            case "smallint":
            case "integer":
            case "bigint":
                return INTEGER.matcher(trimmed).matches() ? new java.math.BigInteger(trimmed).toString() : text;
            case "numeric":
                return DECIMAL.matcher(trimmed).matches() ? canonicalDecimal(new BigDecimal(trimmed)) : text;
            case "uuid":
                return UUID.matcher(trimmed).matches()
                        ? trimmed.replace("-", "").replace("{", "").replace("}", "").toLowerCase(Locale.ROOT) : text;
            case "character":
                return text.stripTrailing();
            default:
                return text;
        }
    }

    private static String canonicalDecimal(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
}
