package io.dataflow.flink.connector.clickhouse;

/**
 * A table as the manifest names it: {@code table} in the connection string's database, or {@code database.table}
 * (split at the last dot outside backticks; each part may be written in backticks).
 */
public record ClickHouseTableName(String database, String table) {

    public static ClickHouseTableName parse(String name, String defaultDatabase) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        String s = name.trim();
        int split = -1;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '`') {
                quoted = !quoted;
            } else if (c == '.' && !quoted) {
                split = i;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unclosed backtick in \"" + s + "\"");
        }
        String database = split >= 0 ? unquote(s.substring(0, split)) : defaultDatabase;
        String table = unquote(split >= 0 ? s.substring(split + 1) : s);
        if (table.isEmpty() || database.isEmpty()) {
            throw new IllegalArgumentException("\"" + s + "\" has an empty part (expected table or database.table)");
        }
        return new ClickHouseTableName(database, table);
    }

    private static String unquote(String part) {
        String p = part.trim();
        if (p.length() >= 2 && p.startsWith("`") && p.endsWith("`")) {
            return p.substring(1, p.length() - 1).replace("``", "`");
        }
        return p;
    }

    /** {@code `db`.`table`}. */
    public String qualified() {
        return ClickHouseSql.quoteIdentifier(database) + "." + ClickHouseSql.quoteIdentifier(table);
    }

    @Override
    public String toString() {
        return database + "." + table;
    }
}
