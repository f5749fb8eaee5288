package io.dataflow.flink.bench;

import java.util.Locale;

/**
 * The benchmark's input: ~1 KB JSON events with the column set every contender maps the same way. Fields are
 * camelCase so that the kafka-to-kafka scenario's snakeCase step has work to do.
 */
public final class BenchEvents {

    /** Columns of the PostgreSQL target table, in the order the peer and limit contenders write them. */
    public static final String[] COLUMNS = {"id", "user_id", "status", "amount", "email", "country", "payload"};

    public static final String CREATE_TABLE = "CREATE TABLE %s (id BIGINT %s, user_id BIGINT, status TEXT, amount NUMERIC, "
            + "email TEXT, country TEXT, payload TEXT)";

    private static final String FILLER = "x".repeat(800);

    private BenchEvents() {
    }

    /** The same event as a PostgreSQL COPY text row (tab-separated, in {@link #COLUMNS} order, newline-terminated). */
    public static String row(long id) {
        return String.format(Locale.ROOT, "%d\t%d\t%s\t%d.%02d\tuser%d@example.com\t%s\t%s\n",
                id, id % 10_000, status(id), id % 1000, id % 100, id % 10_000, country(id), FILLER);
    }

    private static String status(long id) {
        return id % 10 == 0 ? "draft" : "paid";
    }

    private static String country(long id) {
        return id % 3 == 0 ? "DE" : "FR";
    }

    public static String event(long id) {
        return String.format(Locale.ROOT,
                "{\"id\":%d,\"user_id\":%d,\"status\":\"%s\",\"amount\":%d.%02d,\"email\":\"user%d@example.com\",\"country\":\"%s\","
                        + "\"payload\":\"%s\"}",
                id, id % 10_000, status(id), id % 1000, id % 100, id % 10_000, country(id), FILLER);
    }
}
