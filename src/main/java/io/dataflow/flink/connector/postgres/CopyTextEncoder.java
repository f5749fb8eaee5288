package io.dataflow.flink.connector.postgres;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes rows for {@code COPY … FROM STDIN} in PostgreSQL's text format: columns separated by tabs, rows by
 * newlines, NULL as {@code \N}, and backslash, tab, newline and carriage return escaped with a backslash. Every
 * other character (quotes, semicolons, unicode) is data as it is. Values are the column text forms of
 * {@link ColumnValues}, so COPY and bound parameters store exactly the same thing.
 */
public final class CopyTextEncoder {

    private final StringBuilder text = new StringBuilder(4096);

    /** Appends one row; nulls become {@code \N}. */
    public CopyTextEncoder addRow(List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                text.append('\t');
            }
            appendValue(text, values.get(i));
        }
        text.append('\n');
        return this;
    }

    public byte[] toBytes() {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The encoded text, for tests. */
    @Override
    public String toString() {
        return text.toString();
    }

    static void appendValue(StringBuilder out, String value) {
        if (value == null) {
            out.append("\\N");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\':
                    out.append("\\\\");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                default:
                    out.append(c);
            }
        }
    }
}
