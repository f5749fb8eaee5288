package io.dataflow.flink.connector.clickhouse;

import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ClickHouseTypeCases} on ClickHouse 18.16, and what that server keeps of type inference: it has no
 * DateTime64 (nor Map or Bool), so an auto-created table gets DateTime and the 18.16 rule for numbers. The modern
 * server's cases are in {@link ClickHouseTypesModernITCase}.
 */
@RealServers(Server.CLICKHOUSE)
class ClickHouseTypesITCase extends ClickHouseTypeCases {

    @BeforeAll
    static void server() {
        server = Server.CLICKHOUSE;
    }

    @Test
    void anAutoCreatedTableKeepsTheTypesThisServerHas() throws Exception {
        String table = "inferred_old";
        sql("CREATE DATABASE IF NOT EXISTS " + database);
        write(table, "'autoCreateTable':true,'conflictKey':'id'",
                "{'id':1,'at':'2026-12-04T10:00:00.123Z','money':12.25,'ratio':0.125,'flag':true}");

        assertThat(columnTypes(table)).containsEntry("at", "DateTime").containsEntry("money", "Decimal(18, 2)")
                .containsEntry("ratio", "Float64").containsEntry("flag", "UInt8");
        assertThat(rows("SELECT toUnixTimestamp(at) AS at, toString(money) AS money FROM " + database + "." + table))
                .singleElement().satisfies(r -> {
                    assertThat(r.get("at").asLong()).isEqualTo(1796378400L);
                    assertThat(r.get("money").asText()).isEqualTo("12.25");
                });
    }

    @Test
    void compressionIsRefusedAtConnectWithTheReasonInsteadOfReadingNothing() throws Exception {
        // 18.16 answers a request for a compressed response with HTTP 200 and an empty body: every SELECT would
        // silently return no rows
        sql("CREATE DATABASE IF NOT EXISTS " + database);
        try (ClickHouseSinkConnector sink = sink("never_written", "'compression':true")) {
            assertThatThrownBy(sink::connect).isInstanceOf(ClickHouseException.class)
                    .hasMessageContaining("compression: false").hasMessageContaining("empty");
        }
    }

    @Test
    void theSourceReadsDateTimeColumnsWithTheirZone() throws Exception {
        String table = "source_times_old";
        sql("CREATE DATABASE IF NOT EXISTS " + database);
        createTable(table, "id Int64, at DateTime('Asia/Kolkata'), plain DateTime, day Date");
        sql("INSERT INTO " + database + "." + table + " VALUES (1, toDateTime('2026-12-04 15:30:00', 'Asia/Kolkata'), "
                + "toDateTime('2026-12-04 10:00:00'), toDate('2026-12-04'))");

        List<String> emitted = read(table, "'orderByColumn':'id','changeTrackingColumn':'at'");

        assertThat(emitted).containsExactly("{\"id\":1,\"at\":\"2026-12-04T10:00:00Z\",\"plain\":\"2026-12-04T10:00:00Z\","
                + "\"day\":\"2026-12-04T00:00:00Z\"}");
    }
}
