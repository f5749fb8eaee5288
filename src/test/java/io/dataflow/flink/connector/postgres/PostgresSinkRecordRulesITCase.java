package io.dataflow.flink.connector.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.connector.ConnectorContext;
import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which columns a record changes, which errors belong to a record, how the good records of a batch with bad ones
 * are written, what a replay into a keyed table does and how the sink follows its table (issue 19, items 1, 5, 6,
 * 9, 10). Every test writes its own tables on the real PostgreSQL.
 */
@RealServers(Server.POSTGRES)
class PostgresSinkRecordRulesITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger TABLES = new AtomicInteger();

    private static String uniqueTable(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet();
    }

    /** The counters a sink registers, by name, as Flink's metric group would hold them. */
    private static final class CountersSeen extends UnregisteredMetricsGroup {
        final Map<String, Counter> counters = new ConcurrentHashMap<>();

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            counters.put(name, counter);
            return counter;
        }

        @Override
        public Counter counter(String name) {
            return counter(name, new org.apache.flink.metrics.SimpleCounter());
        }

        long count(String name) {
            Counter c = counters.get(name);
            return c == null ? 0 : c.getCount();
        }
    }

    private static PostgresSinkConnector sink(String table, String extraConfig) throws Exception {
        return sink(table, extraConfig, new CountersSeen());
    }

    private static PostgresSinkConnector sink(String table, String extraConfig, CountersSeen metrics) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(("{" + extraConfig + "}").replace('\'', '"'));
        config.put("connectionString", Postgres.url());
        config.put("table", table);
        PostgresConnectorFactory factory = new PostgresConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        ConfigValues c = ConfigValidator.validate("sink.config", config, factory.sinkOptions(), errors);
        factory.validateSink(c, errors);
        errors.throwIfAny();
        return (PostgresSinkConnector) factory.createSink(c, new ConnectorContext("it", "sink", 0, 1, metrics));
    }

    private static Message json(String body) {
        return Message.of(body.replace('\'', '"'));
    }

    private static List<Map<String, Object>> rows(String sql) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = Postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    private static Map<String, Object> row(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    // ---- item 1: a record never changes a column it does not carry ----

    @Test
    void anUpsertLeavesTheColumnsARecordDoesNotCarryUnchangedWhateverSharesItsBatch() throws Exception {
        String table = uniqueTable("partial");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, name text, blob text, qty int)");
        Postgres.execute("INSERT INTO \"" + table + "\" VALUES (1, 'old', 'toasted value', 1), (2, 'old', 'kept too', 2)");
        try (PostgresSinkConnector sink = sink(table, "'upsertMode':true,'batchSize':1000")) {
            sink.connect();
            // a full row of another key shares the batch: before, the batch wrote the union of columns
            sink.write(json("{'id':3,'name':'full','blob':'b3','qty':3}"));
            // a CDC update that leaves the TOASTed column out
            sink.write(json("{'id':1,'name':'new','qty':10}"));
            // the same key twice in one batch: the later record overrides only what it carries
            sink.write(json("{'id':2,'name':'first','blob':'replaced','qty':20}"));
            sink.write(json("{'id':2,'qty':21}"));
            sink.flush();
        }
        assertThat(rows("SELECT id, name, blob, qty FROM \"" + table + "\" ORDER BY id")).containsExactly(
                row("id", 1L, "name", "new", "blob", "toasted value", "qty", 10),
                row("id", 2L, "name", "first", "blob", "replaced", "qty", 21),
                row("id", 3L, "name", "full", "blob", "b3", "qty", 3));
    }

    @Test
    void aPlainInsertOfANewRowLeavesAbsentColumnsAtTheirDefault() throws Exception {
        String table = uniqueTable("partial_insert");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint, name text, status text DEFAULT 'new')");
        try (PostgresSinkConnector sink = sink(table, "'batchSize':1000")) {
            sink.connect();
            sink.write(json("{'id':1,'name':'a','status':'shipped'}"));
            sink.write(json("{'id':2,'name':'b'}"));
            sink.flush();
        }
        assertThat(rows("SELECT id, status FROM \"" + table + "\" ORDER BY id")).containsExactly(
                row("id", 1L, "status", "shipped"), row("id", 2L, "status", "new"));
    }

    // ---- item 5: errors caused by a record's content are refused records ----

    @Test
    void aRecordOverTheIndexRowLimitIsRefusedAndTheOthersAreWritten() throws Exception {
        String table = uniqueTable("index_limit");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, code text)");
        Postgres.execute("CREATE INDEX ON \"" + table + "\" (code)");
        // random text does not compress below btree's limit of about 2 700 bytes per index row: SQLSTATE 54000
        StringBuilder huge = new StringBuilder();
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 12_000; i++) {
            huge.append((char) ('a' + random.nextInt(26)));
        }
        Map<Long, String> refused = new TreeMap<>();
        try (PostgresSinkConnector sink = sink(table, "'batchSize':1000")) {
            sink.setRefusedRecordListener((m, reason) -> refused.put(m.json().get("id").asLong(), reason));
            sink.connect();
            sink.write(json("{'id':1,'code':'a'}"));
            sink.write(json("{'id':2,'code':'" + huge + "'}"));
            sink.write(json("{'id':3,'code':'c'}"));
            sink.flush();
        }
        assertThat(refused).containsOnlyKeys(2L);
        assertThat(refused.get(2L)).startsWith("SQLSTATE 54000").contains("index row").doesNotContain(huge.substring(0, 50));
        assertThat(rows("SELECT id FROM \"" + table + "\" ORDER BY id")).containsExactly(row("id", 1L), row("id", 3L));
    }

    @Test
    void upsertKeysEqualAfterTheCastAreDeduplicatedOnTheTypedKeyTheLastOneWinning() throws Exception {
        String uuids = uniqueTable("uuid_key");
        Postgres.execute("CREATE TABLE \"" + uuids + "\" (id uuid PRIMARY KEY, name text)");
        String numerics = uniqueTable("numeric_key");
        Postgres.execute("CREATE TABLE \"" + numerics + "\" (id numeric PRIMARY KEY, name text)");
        String integers = uniqueTable("integer_key");
        Postgres.execute("CREATE TABLE \"" + integers + "\" (id integer PRIMARY KEY, name text)");
        List<String> refused = new ArrayList<>();
        try (PostgresSinkConnector uuidSink = sink(uuids, "'upsertMode':true,'batchSize':1000");
             PostgresSinkConnector numericSink = sink(numerics, "'upsertMode':true,'batchSize':1000");
             PostgresSinkConnector integerSink = sink(integers, "'upsertMode':true,'batchSize':1000")) {
            for (PostgresSinkConnector s : List.of(uuidSink, numericSink, integerSink)) {
                s.setRefusedRecordListener((m, reason) -> refused.add(reason));
                s.connect();
            }
            uuidSink.write(json("{'id':'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11','name':'upper'}"));
            uuidSink.write(json("{'id':'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11','name':'lower, last'}"));
            uuidSink.flush();
            numericSink.write(json("{'id':1,'name':'one'}"));
            numericSink.write(json("{'id':1.0,'name':'one point zero, last'}"));
            numericSink.write(json("{'id':'2.50','name':'two fifty'}"));
            numericSink.write(json("{'id':2.5,'name':'two point five, last'}"));
            numericSink.flush();
            integerSink.write(json("{'id':1,'name':'one'}"));
            integerSink.write(json("{'id':1.0,'name':'one point zero, last'}"));
            integerSink.flush();
        }
        assertThat(refused).isEmpty();
        assertThat(rows("SELECT id::text AS id, name FROM \"" + uuids + "\"")).containsExactly(
                row("id", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "name", "lower, last"));
        assertThat(rows("SELECT id::text AS id, name FROM \"" + numerics + "\" ORDER BY id")).containsExactly(
                row("id", "1.0", "name", "one point zero, last"), row("id", "2.5", "name", "two point five, last"));
        assertThat(rows("SELECT id, name FROM \"" + integers + "\"")).containsExactly(row("id", 1, "name", "one point zero, last"));
    }

    // ---- item 6: refused records are found first, the good ones written at once ----

    @Test
    void theGoodRecordsOfABatchWithBadOnesAreWrittenByOneStatement() throws Exception {
        String table = uniqueTable("one_write");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, qty int CHECK (qty >= 0))");
        int n = 1000;
        List<Long> bad = List.of(3L, 250L, 251L, 600L, 998L);
        List<Long> refused = new ArrayList<>();
        try (PostgresSinkConnector sink = sink(table, "'batchSize':" + n)) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(m.json().get("id").asLong()));
            sink.connect();
            for (long i = 0; i < n; i++) {
                sink.write(json("{'id':" + i + ",'qty':" + (bad.contains(i) ? -1 : i) + "}"));
            }
            sink.flush();
        }
        assertThat(refused).containsExactlyElementsOf(bad);
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\"")).isEqualTo(n - bad.size());
        // rows written by one statement of one (sub)transaction share their xmin; pieces under savepoints do not
        assertThat(Postgres.count("SELECT count(DISTINCT xmin::text) FROM \"" + table + "\"")).isEqualTo(1);
    }

    @Test
    void theGoodRecordsOfAnUpsertBatchWithBadOnesAreWrittenByOneStatement() throws Exception {
        String table = uniqueTable("one_upsert");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, qty int CHECK (qty >= 0))");
        List<Long> refused = new ArrayList<>();
        try (PostgresSinkConnector sink = sink(table, "'upsertMode':true,'batchSize':500")) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(m.json().get("id").asLong()));
            sink.connect();
            for (long i = 0; i < 500; i++) {
                sink.write(json("{'id':" + i + ",'qty':" + (i % 100 == 7 ? "'x'" : String.valueOf(i)) + "}"));
            }
            sink.flush();
        }
        assertThat(refused).containsExactly(7L, 107L, 207L, 307L, 407L);
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\"")).isEqualTo(495);
        assertThat(Postgres.count("SELECT count(DISTINCT xmin::text) FROM \"" + table + "\"")).isEqualTo(1);
    }

    // ---- item 9: a replay into a keyed table ----

    @Test
    void aReplayIntoAKeyedTableWritesNothingTwiceAndCountsTheSkippedRows() throws Exception {
        String table = uniqueTable("replay");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, name text)");
        CountersSeen metrics = new CountersSeen();
        List<String> refused = new ArrayList<>();
        try (PostgresSinkConnector sink = sink(table, "'batchSize':1000", metrics)) {
            sink.setRefusedRecordListener((m, reason) -> refused.add(reason));
            sink.connect();
            for (int i = 0; i < 100; i++) {
                sink.write(json("{'id':" + i + ",'name':'first'}"));
            }
            sink.flush();
            // the replay after a failure: records 50..149, of which 50..99 are already stored
            for (int i = 50; i < 150; i++) {
                sink.write(json("{'id':" + i + ",'name':'replayed'}"));
            }
            sink.flush();
        }
        assertThat(refused).isEmpty();
        assertThat(metrics.count("duplicateKeysSkipped")).isEqualTo(50);
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\"")).isEqualTo(150);
        assertThat(Postgres.count("SELECT count(*) FROM \"" + table + "\" WHERE name = 'first'")).isEqualTo(100);
    }

    @Test
    void withOnDuplicateKeyRefuseADuplicateGoesToTheErrorSink() throws Exception {
        String table = uniqueTable("strict");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, name text)");
        CountersSeen metrics = new CountersSeen();
        Map<Long, String> refused = new TreeMap<>();
        try (PostgresSinkConnector sink = sink(table, "'onDuplicateKey':'refuse'", metrics)) {
            sink.setRefusedRecordListener((m, reason) -> refused.put(m.json().get("id").asLong(), reason));
            sink.connect();
            sink.write(json("{'id':1,'name':'a'}"));
            sink.write(json("{'id':2,'name':'b'}"));
            sink.flush();
            sink.write(json("{'id':2,'name':'again'}"));
            sink.write(json("{'id':3,'name':'c'}"));
            sink.flush();
        }
        assertThat(refused).containsOnlyKeys(2L);
        assertThat(refused.get(2L)).startsWith("SQLSTATE 23505");
        assertThat(metrics.count("duplicateKeysSkipped")).isZero();
        assertThat(rows("SELECT id, name FROM \"" + table + "\" ORDER BY id")).containsExactly(
                row("id", 1L, "name", "a"), row("id", 2L, "name", "b"), row("id", 3L, "name", "c"));
    }

    // ---- item 10: the sink follows its table ----

    @Test
    void aColumnAddedLaterIsWrittenWithoutARestart() throws Exception {
        for (String mode : List.of("", "'upsertMode':true")) {
            String table = uniqueTable("added_column");
            Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, name text)");
            try (PostgresSinkConnector sink = sink(table, mode)) {
                sink.connect();
                sink.write(json("{'id':1,'name':'a'}"));
                sink.flush();
                // the usual order: the column first, then producers send the field
                Postgres.execute("ALTER TABLE \"" + table + "\" ADD COLUMN email text");
                sink.write(json("{'id':2,'name':'b','email':'after@x'}"));
                sink.flush();
            }
            assertThat(rows("SELECT id, email FROM \"" + table + "\" ORDER BY id")).as(mode).containsExactly(
                    row("id", 1L, "email", null), row("id", 2L, "email", "after@x"));
        }
    }

    @Test
    void aFieldSentBeforeItsColumnExistedIsWrittenOnceTheColumnIsAdded() throws Exception {
        String table = uniqueTable("field_first");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, name text)");
        try (PostgresSinkConnector sink = sink(table, "")) {
            sink.connect();
            sink.write(json("{'id':1,'name':'a','email':'before@x'}"));
            sink.flush();
            Postgres.execute("ALTER TABLE \"" + table + "\" ADD COLUMN email text");
            // a field that was already missing is checked again after the recheck interval, not with every batch
            Thread.sleep(ColumnRefreshPolicy.RECHECK_NANOS / 1_000_000 + 200);
            sink.write(json("{'id':2,'name':'b','email':'after@x'}"));
            sink.flush();
        }
        assertThat(rows("SELECT id, email FROM \"" + table + "\" ORDER BY id")).containsExactly(
                row("id", 1L, "email", null), row("id", 2L, "email", "after@x"));
    }

    @Test
    void aDataJsonbColumnIsAnOrdinaryColumnUnlessRawModeIsSet() throws Exception {
        String table = uniqueTable("data_column");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, status text, data jsonb)");
        try (PostgresSinkConnector sink = sink(table, "")) {
            sink.connect();
            sink.write(json("{'id':1,'status':'paid','data':{'k':1}}"));
            sink.flush();
        }
        assertThat(rows("SELECT id, status, data::text AS data FROM \"" + table + "\"")).containsExactly(
                row("id", 1L, "status", "paid", "data", "{\"k\": 1}"));
    }

    @Test
    void aTableAutoCreatedFromARecordWithADataObjectStaysColumnarAfterARestart() throws Exception {
        String table = uniqueTable("autocreated_data");
        for (int run = 1; run <= 2; run++) {
            try (PostgresSinkConnector sink = sink(table, "'autoCreateTable':true")) {
                sink.connect();
                sink.write(json("{'id':" + run + ",'status':'s" + run + "','data':{'run':" + run + "}}"));
                sink.flush();
            }
        }
        assertThat(rows("SELECT id, status, data::text AS data FROM \"" + table + "\" ORDER BY id")).containsExactly(
                row("id", 1L, "status", "s1", "data", "{\"run\": 1}"),
                row("id", 2L, "status", "s2", "data", "{\"run\": 2}"));
    }

    @Test
    void noStagingTableOutlivesItsTransaction() throws Exception {
        String table = uniqueTable("stage");
        Postgres.execute("CREATE TABLE \"" + table + "\" (id bigint PRIMARY KEY, name text)");
        try (PostgresSinkConnector sink = sink(table, "'upsertMode':true")) {
            sink.connect();
            sink.write(json("{'id':1,'name':'a'}"));
            sink.flush();
            // a session that a pooler in transaction mode would hand to the next client: the sink's session holds no
            // temporary table once the batch committed (before: "dataflow_stage", reused with the first table's shape)
            assertThat(sessionTemporaryTables(sink)).isEmpty();
        }
    }

    /** The tables in the temporary schema of the sink's own session (read on its connection, between batches). */
    private static List<String> sessionTemporaryTables(PostgresSinkConnector sink) throws Exception {
        java.lang.reflect.Field field = PostgresSinkConnector.class.getDeclaredField("connection");
        field.setAccessible(true);
        Connection c = (Connection) field.get(sink);
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT relname FROM pg_class WHERE relnamespace = pg_my_temp_schema()")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        c.commit();
        return names;
    }
}
