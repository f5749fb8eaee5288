package io.dataflow.flink.connector.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL identifiers as the sink writes them into SQL: always double-quoted (so any name, whatever its case or
 * characters, means exactly itself and can never end the statement), and {@code schema.table} names parsed the
 * way the original does (split on the last dot, default schema {@code public}) with already-quoted parts accepted.
 */
public final class PostgresIdentifiers {

    public static final String DEFAULT_SCHEMA = "public";

    private PostgresIdentifiers() {
    }

    /** {@code a"b} → {@code "a""b"}. Rejects what PostgreSQL cannot store in a name (empty, NUL). */
    public static String quote(String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            throw new IllegalArgumentException("empty identifier");
        }
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * Parses {@code table}, {@code schema.table}, {@code "My Schema"."a.b"} or {@code sales."x""y"}. Unquoted
     * parts are kept as written (not lower-cased): the name in the manifest is the name in the database, as in
     * the original, which quotes whatever it is given.
     */
    public static PostgresTableName parseTable(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("table name is empty");
        }
        String s = name.trim();
        List<String> parts = s.indexOf('"') >= 0 ? splitQuoted(s) : splitOnLastDot(s);
        if (parts.size() == 1) {
            return new PostgresTableName(DEFAULT_SCHEMA, parts.get(0));
        }
        if (parts.size() == 2) {
            return new PostgresTableName(parts.get(0), parts.get(1));
        }
        throw new IllegalArgumentException("table name must be table or schema.table (got " + parts.size() + " parts)");
    }

    private static List<String> splitOnLastDot(String s) {
        int dot = s.lastIndexOf('.');
        if (dot < 0) {
            return List.of(s);
        }
        String schema = s.substring(0, dot);
        String table = s.substring(dot + 1);
        if (schema.isEmpty() || table.isEmpty()) {
            throw new IllegalArgumentException("table name has an empty part around the dot");
        }
        return List.of(schema, table);
    }

    /** Splits on dots outside quotes; each part is either fully quoted ("" = one quote) or plain. */
    private static List<String> splitQuoted(String s) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (true) {
            StringBuilder part = new StringBuilder();
            if (i < s.length() && s.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < s.length()) {
                    char c = s.charAt(i++);
                    if (c == '"') {
                        if (i < s.length() && s.charAt(i) == '"') {
                            part.append('"');
                            i++;
                        } else {
                            closed = true;
                            break;
                        }
                    } else {
                        part.append(c);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("table name has an unclosed double quote");
                }
                if (part.length() == 0) {
                    throw new IllegalArgumentException("table name has an empty quoted part");
                }
            } else {
                while (i < s.length() && s.charAt(i) != '.') {
                    if (s.charAt(i) == '"') {
                        throw new IllegalArgumentException("table name has a double quote inside an unquoted part");
                    }
                    part.append(s.charAt(i++));
                }
                if (part.length() == 0) {
                    throw new IllegalArgumentException("table name has an empty part around the dot");
                }
            }
            parts.add(part.toString());
            if (i >= s.length()) {
                return parts;
            }
            if (s.charAt(i) != '.') {
                throw new IllegalArgumentException("table name has text after a closing double quote");
            }
            i++;
        }
    }
}
