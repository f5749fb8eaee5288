package io.dataflow.flink.connector.postgres;

import io.dataflow.flink.connector.polling.PollCursor;
import io.dataflow.flink.connector.polling.PollingQuery;
import io.dataflow.flink.config.ConfigValidator;
import io.dataflow.flink.config.ValidationErrors;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PollingQueryTest {

    private static final String FROM = "\"public\".\"orders\"";
    private static final String CHANGE = "COALESCE(\"updated_at\", \"created_at\")";

    private final PollingQuery composite = PollingQuery.incremental(PostgresCursorDialect.INSTANCE, FROM, CHANGE, "timestamp", "\"id\"", "int8", 500);
    private final PollingQuery keyOnly = PollingQuery.incremental(PostgresCursorDialect.INSTANCE, FROM, null, null, "\"id\"", "int8", 100);

    @Test
    void firstPageReadsFromTheStartInCursorOrder() {
        assertThat(composite.sql(PollCursor.START)).isEqualTo("SELECT *, " + CHANGE + " AS \"__dataflow_change\" FROM " + FROM
                + " ORDER BY " + CHANGE + ", \"id\" LIMIT 500");
        assertThat(composite.parameters(PollCursor.START)).isEmpty();
    }

    @Test
    void laterPagesCompareTheCompositeCursorWithBoundParameters() {
        PollCursor cursor = new PollCursor("2026-01-01 10:00:00.123456", "42");
        assertThat(composite.sql(cursor)).contains(" WHERE (" + CHANGE + ", \"id\") > (CAST(? AS timestamp), CAST(? AS int8))")
                .doesNotContain("2026").doesNotContain("42");
        assertThat(composite.parameters(cursor)).containsExactly("2026-01-01 10:00:00.123456", "42");
    }

    @Test
    void onlyATimeOrOnlyAKeyNarrowTheFilter() {
        assertThat(composite.sql(new PollCursor("t", null))).contains(" WHERE " + CHANGE + " > CAST(? AS timestamp) ORDER BY");
        assertThat(composite.parameters(new PollCursor("t", null))).containsExactly("t");
        assertThat(keyOnly.sql(new PollCursor(null, "7"))).isEqualTo("SELECT * FROM " + FROM + " WHERE \"id\" > CAST(? AS int8) ORDER BY \"id\" LIMIT 100");
        assertThat(keyOnly.parameters(new PollCursor(null, "7"))).containsExactly("7");
    }

    @Test
    void aReadHorizonBoundsTheFirstCursorColumn() {
        PollCursor cursor = new PollCursor("2026-01-01 10:00:00", "42");
        assertThat(composite.sql(cursor, "2026-01-02 00:00:00")).contains(" WHERE (" + CHANGE + ", \"id\") > (CAST(? AS timestamp), "
                + "CAST(? AS int8)) AND " + CHANGE + " <= CAST(? AS timestamp) ORDER BY");
        assertThat(composite.parameters(cursor, "2026-01-02 00:00:00")).containsExactly("2026-01-01 10:00:00", "42", "2026-01-02 00:00:00");
        assertThat(keyOnly.sql(PollCursor.START, "99")).isEqualTo("SELECT * FROM " + FROM + " WHERE \"id\" <= CAST(? AS int8) ORDER BY \"id\" LIMIT 100");
        assertThat(keyOnly.parameters(PollCursor.START, "99")).containsExactly("99");
    }

    @Test
    void aUserQueryIsWrappedOrRunAsWritten() {
        assertThat(PollingQuery.wrap(PostgresCursorDialect.INSTANCE, " SELECT a, b FROM t WHERE x = 'y;' ;; ")).isEqualTo("(SELECT a, b FROM t WHERE x = 'y;') AS \"__dataflow_src\"");
        PollingQuery asWritten = PollingQuery.asWritten("SELECT 1");
        assertThat(asWritten.isIncremental()).isFalse();
        assertThat(asWritten.sql(new PollCursor("a", "b"))).isEqualTo("SELECT 1");
        assertThat(asWritten.parameters(new PollCursor("a", "b"))).isEmpty();
    }

    @Test
    void cursorRoundTripsThroughStateBytes() throws Exception {
        for (PollCursor c : List.of(PollCursor.START, new PollCursor("2026-01-01 10:00:00", null), new PollCursor("x\"y", "k'ey ü"))) {
            assertThat(PollCursor.fromBytes(c.toBytes())).isEqualTo(c);
        }
    }

    @Test
    void sourceValidationWantsTableOrQueryAndAcceptsBothLikeTheOriginal() throws Exception {
        assertThat(errors("{\"connectionString\":\"postgres://u@h/db\"}")).containsExactly("source.config.table: required (or query)");
        // the original's example K sets both: the query is read, the table labels the metadata
        assertThat(errors("{\"connectionString\":\"postgres://u@h/db\",\"table\":\"t\",\"query\":\"SELECT 1\"}")).isEmpty();
        assertThat(errors("{\"connectionString\":\"postgres://u@h/db\",\"table\":\"s.t\",\"pollInterval\":\"250ms\",\"bounded\":true}")).isEmpty();
    }

    private static List<String> errors(String json) throws Exception {
        PostgresConnectorFactory factory = new PostgresConnectorFactory();
        ValidationErrors errors = new ValidationErrors();
        var config = ConfigValidator.validate("source.config", new ObjectMapper().readTree(json), factory.sourceOptions(), errors);
        if (errors.isEmpty()) {
            factory.validateSource(config, errors);
        }
        return errors.list().stream().map(Object::toString).toList();
    }
}
