package io.dataflow.flink.deploy;

import io.dataflow.flink.testing.Postgres;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PostgreSQL table {@code id BIGINT PRIMARY KEY, seq BIGINT} written by the upsert sink in a cluster scenario, where
 * record i is version {@code seq = i} of key {@code i mod KEYS}: every key changes again and again, its versions
 * {@link #KEYS} records apart. The primary key alone makes one row per key true whatever the sink does, so a trigger
 * also logs every row the sink writes into {@code <table>_writes}: a batch that was read and then never written
 * shows as versions missing from the log even where a later version overwrote the key; a batch written again (the
 * records after the last completed checkpoint, replayed after a failure — at-least-once, which an upsert absorbs)
 * shows as repeated writes, counted. The sink's batches (at most {@link #BATCH} records) are smaller than the records
 * a subtask reads between two versions of one key, so no version is merged away inside a batch.
 */
final class UpsertTable {

    /** Keys, and so the distance in records between two versions of a key. */
    static final int KEYS = 500;
    private static final int BATCH = 50;

    private final String table;

    private UpsertTable(String table) {
        this.table = table;
    }

    /** Creates the table and its write log. */
    static UpsertTable create(String table) throws Exception {
        String log = table + "_writes";
        String function = table.replace("public.", "") + "_log";
        Postgres.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL)");
        Postgres.execute("CREATE TABLE " + log + " (id BIGINT NOT NULL, seq BIGINT NOT NULL)");
        Postgres.execute("CREATE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "INSERT INTO " + log + " (id, seq) VALUES (NEW.id, NEW.seq); RETURN NEW; END $$");
        Postgres.execute("CREATE TRIGGER " + function + " AFTER INSERT OR UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + function + "()");
        return new UpsertTable(table);
    }

    static String key(int record) {
        return "k-" + (record % KEYS);
    }

    static String value(int record) {
        return "{\"id\":" + (record % KEYS) + ",\"seq\":" + record + "}";
    }

    /** The sink section of a manifest that upserts into the table. */
    String sink() {
        return "  sink:\n    type: postgresql\n    config:\n      connectionString: \"" + Postgres.url() + "\"\n"
                + "      table: " + table + "\n      upsertMode: true\n      conflictKey: id\n      batchSize: " + BATCH + "\n"
                + "      batchFlushIntervalSeconds: 1\n";
    }

    /**
     * Asserts that after records 0 to {@code produced} - 1 the table holds every key at its last version and that
     * every version was written (none lost on the way); with {@code replays} (the job failed and restarted from a
     * checkpoint) writes repeated by the replay are counted and printed, without (stops with a savepoint only) none
     * may be repeated.
     */
    void assertHoldsEveryVersion(String scenario, int produced, boolean replays) throws Exception {
        assertHoldsEveryVersion(scenario, 0, produced, replays);
    }

    /**
     * {@link #assertHoldsEveryVersion(String, int, boolean)} for a table that must hold exactly the records {@code from}
     * to {@code to} - 1 (e.g. the ones after a savepoint): every key of them at its last version of them, each of them
     * written, none other.
     */
    void assertHoldsEveryVersion(String scenario, int from, int to, boolean replays) throws Exception {
        Set<Integer> versions = IntStream.range(from, to).boxed().collect(Collectors.toSet());
        Map<Long, Long> expected = new HashMap<>();
        for (int i : versions) {
            expected.merge((long) (i % KEYS), (long) i, Math::max);
        }
        Map<Long, Long> rows = new HashMap<>();
        query("SELECT id, seq FROM " + table, rs -> rows.put(rs.getLong(1), rs.getLong(2)));
        Set<Long> written = new HashSet<>();
        long[] writes = {0};
        long[] unexpected = {0};
        query("SELECT id, seq FROM " + table + "_writes", rs -> {
            writes[0]++;
            written.add(rs.getLong(2));
            if (!versions.contains((int) rs.getLong(2)) || rs.getLong(1) != rs.getLong(2) % KEYS) {
                unexpected[0]++;
            }
        });
        long stale = expected.entrySet().stream().filter(e -> !e.getValue().equals(rows.get(e.getKey()))).count();
        long lostVersions = versions.stream().filter(v -> !written.contains((long) v)).count();
        System.out.printf("%s: %d records, %d keys; table: %d rows, %d keys missing or not at their last version; write log: "
                        + "%d writes, %d versions never written, %d writes repeated by replays, %d writes not expected%n", scenario,
                versions.size(), expected.size(), rows.size(), stale, writes[0], lostVersions, writes[0] - written.size(), unexpected[0]);
        assertThat(rows).as("every key produced, each with its last version").isEqualTo(expected);
        assertThat(lostVersions).as("versions (records) the sink never wrote").isZero();
        assertThat(unexpected[0]).as("writes of records not expected").isZero();
        if (!replays) {
            assertThat(writes[0] - written.size()).as("versions written more than once with no failure to replay").isZero();
        }
    }

    private static void query(String sql, RowReader reader) throws Exception {
        try (var connection = Postgres.connect(); Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                reader.read(rs);
            }
        }
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws Exception;
    }
}
