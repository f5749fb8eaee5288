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

    public static String event(long id) {
        return String.format(Locale.ROOT,
                "{\"id\":%d,\"user_id\":%d,\"status\":\"%s\",\"amount\":%d.%02d,\"email\":\"user%d@example.com\",\"country\":\"%s\","
                        + "\"payload\":\"%s\"}",
                id, id % 10_000, id % 10 == 0 ? "draft" : "paid", id % 1000, id % 100, id % 10_000, id % 3 == 0 ? "DE" : "FR", FILLER);
    }
}
