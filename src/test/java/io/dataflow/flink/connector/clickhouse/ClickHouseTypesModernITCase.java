package io.dataflow.flink.connector.clickhouse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ClickHouseTypeCases} on a modern ClickHouse (26.7's engine), plus what only modern servers have:
 * DateTime64 (milliseconds kept, other precisions and zones, as the source's cursor), Map, Bool, compressed
 * requests and responses, and the inferred types of an auto-created table (DateTime64(3), Decimal, Bool).
 */
@RealServers(Server.CLICKHOUSE_MODERN)
class ClickHouseTypesModernITCase extends ClickHouseTypeCases {

    /** 2026-12-04T10:00:00Z. */
    private static final long TEN_O_CLOCK = 1_796_378_400L;

    @BeforeAll
    static void server() {
        server = Server.CLICKHOUSE_MODERN;
    }

    @Test
    void dateTime64ColumnsKeepTheMillisecondsOfEveryPrecisionAndZone() throws Exception {
        String table = "sink_times";
        sql("CREATE DATABASE IF NOT EXISTS " + database);
        createTable(table, "id Int64, ts DateTime64(3, 'UTC'), micro DateTime64(6, 'Asia/Kolkata'), secs DateTime64(0, 'UTC'), "
                + "local DateTime64(3, 'Asia/Kolkata'), nts Nullable(DateTime64(3, 'UTC')), times Array(DateTime64(3, 'UTC')), "
                + "before DateTime64(3, 'UTC'), created_at DateTime64(3, 'UTC')");
        write(table, "",
                "{'id':1,'ts':'2026-12-04T10:00:00.123Z','micro':'2026-12-04T10:00:00.123456Z','secs':'2026-12-04T10:00:00.999Z',"
                        + "'local':'2026-12-04T15:30:00.456','nts':null,'times':['2026-12-04T10:00:00.001Z','2026-12-04T11:30:00.5+01:30'],"
                        + "'before':'1969-12-31T00:00:00.5Z'}",
                "{'id':2,'ts':'2026-12-04T11:00:00.5+01:00','micro':'2026-12-04T10:00:00Z','secs':'2026-12-04T10:00:00Z',"
                        + "'local':'2026-12-04T15:30:00','nts':'2026-12-04T10:00:00.007Z','times':[],'before':'1970-01-01T00:00:00Z'}");

        List<ObjectNode> stored = rows("SELECT id, toUnixTimestamp64Milli(ts) AS ts, toUnixTimestamp64Micro(micro) AS micro, "
                + "toUnixTimestamp(secs) AS secs, toUnixTimestamp64Milli(local) AS local, toUnixTimestamp64Milli(nts) AS nts, "
                + "arrayMap(x -> toUnixTimestamp64Milli(x), times) AS times, toUnixTimestamp64Milli(before) AS before, "
                + "toUnixTimestamp64Milli(created_at) AS created_at FROM " + database + "." + table + " ORDER BY id");
        long ms = TEN_O_CLOCK * 1000;
        ObjectNode first = stored.get(0);
        assertThat(first.get("ts").asLong()).as("milliseconds kept, not read as ticks").isEqualTo(ms + 123);
        assertThat(first.get("micro").asLong()).isEqualTo(TEN_O_CLOCK * 1_000_000 + 123_456);
        assertThat(first.get("secs").asLong()).as("a precision of 0 drops the fraction").isEqualTo(TEN_O_CLOCK);
        assertThat(first.get("local").asLong()).as("a time without zone is the column's").isEqualTo(ms + 456);
        assertThat(first.get("nts").isNull()).isTrue();
        assertThat(first.get("times").toString()).isEqualTo("[" + (ms + 1) + "," + (ms + 500) + "]");
        assertThat(first.get("before").asLong()).as("before 1970").isEqualTo(-86_400_000L + 500);
        assertThat(first.get("created_at").asLong()).as("filled with now, in milliseconds").isGreaterThan(1_700_000_000_000L);
        ObjectNode second = stored.get(1);
        assertThat(second.get("ts").asLong()).isEqualTo(ms + 500);
        assertThat(second.get("micro").asLong()).isEqualTo(TEN_O_CLOCK * 1_000_000);
        assertThat(second.get("local").asLong()).isEqualTo(ms);
        assertThat(second.get("nts").asLong()).isEqualTo(ms + 7);
        assertThat(second.get("before").asLong()).isZero();
    }

    @Test
    void theSinkStoresMapAndBoolColumns() throws Exception {
        String table = "sink_maps";
        sql("CREATE DATABASE IF NOT EXISTS " + database);
        createTable(table, "id Int64, attrs Map(String, Int32), prices Map(String, Nullable(Decimal(18, 4))), flag Bool, "
                + "nflag Nullable(Bool)");
        write(table, "",
                "{'id':1,'attrs':{'a':1,'b':2},'prices':{'x':1.2345,'y':null},'flag':true,'nflag':null}",
                "{'id':2,'attrs':{},'prices':{'big':12345678901234.5678},'flag':false,'nflag':true}");

        List<ObjectNode> stored = rows("SELECT id, attrs, mapApply((k, v) -> (k, toString(v)), prices) AS prices, flag, nflag FROM "
                + database + "." + table + " ORDER BY id");
        assertThat(stored.get(0).get("attrs").toString()).isEqualTo("{\"a\":1,\"b\":2}");
        assertThat(stored.get(0).get("prices").toString()).isEqualTo("{\"x\":\"1.2345\",\"y\":null}");
        assertThat(stored.get(0).get("flag").asBoolean()).isTrue();
        assertThat(stored.get(0).get("nflag").isNull()).isTrue();
        assertThat(stored.get(1).get("attrs").size()).isZero();
        assertThat(stored.get(1).get("prices").get("big").asText()).as("no float rounding").isEqualTo("12345678901234.5678");
        assertThat(stored.get(1).get("flag").asBoolean()).isFalse();
        assertThat(stored.get(1).get("nflag").asBoolean()).isTrue();
    }

    @Test
    void theSourceEmitsDateTime64MapAndBoolColumns() throws Exception {
        String table = "source_modern";
        sql("CREATE DATABASE IF NOT EXISTS " + database);
        createTable(table, "id Int64, ts DateTime64(3, 'UTC'), micro DateTime64(6, 'Asia/Kolkata'), local DateTime64(3), "
                + "nts Nullable(DateTime64(3, 'UTC')), times Array(DateTime64(3, 'UTC')), attrs Map(String, Int32), "
                + "prices Map(String, Decimal(18, 4)), flag Bool, lc LowCardinality(Nullable(String))");
        sql("INSERT INTO " + database + "." + table + " VALUES (1, toDateTime64('2026-12-04 10:00:00.123', 3, 'UTC'), "
                + "toDateTime64('2026-12-04 15:30:00.123456', 6, 'Asia/Kolkata'), toDateTime64('2026-12-04 10:00:00', 3), NULL, "
                + "[toDateTime64('2026-12-04 10:00:00.5', 3, 'UTC')], map('a', 1), map('x', toDecimal64('1.5', 4)), true, NULL), "
                + "(2, toDateTime64('2026-12-04 10:00:00.124', 3, 'UTC'), toDateTime64('2026-12-04 15:30:00', 6, 'Asia/Kolkata'), "
                + "toDateTime64('2026-12-04 10:00:00.9', 3), toDateTime64('2026-12-04 10:00:00.007', 3, 'UTC'), [], map(), map(), false, 'x')");

        List<String> emitted = read(table, "'orderByColumn':'id'");

        assertThat(emitted).containsExactly(
                "{\"id\":1,\"ts\":\"2026-12-04T10:00:00.123Z\",\"micro\":\"2026-12-04T10:00:00.123456Z\","
                        + "\"local\":\"2026-12-04T10:00:00.000Z\",\"nts\":null,\"times\":[\"2026-12-04T10:00:00.500Z\"],"
                        + "\"attrs\":{\"a\":1},\"prices\":{\"x\":1.5000},\"flag\":true,\"lc\":null}",
                "{\"id\":2,\"ts\":\"2026-12-04T10:00:00.124Z\",\"micro\":\"2026-12-04T10:00:00.000000Z\","
                        + "\"local\":\"2026-12-04T10:00:00.900Z\",\"nts\":\"2026-12-04T10:00:00.007Z\",\"times\":[],"
                        + "\"attrs\":{},\"prices\":{},\"flag\":false,\"lc\":\"x\"}");
    }

    @Test
    void aDateTime64CursorPagesThroughRowsOfTheSameSecond() throws Exception {
        String table = "source_cursor";
        sql("CREATE DATABASE IF NOT EXISTS " + database);
        createTable(table, "id UInt64, ts DateTime64(3, 'UTC'), v String");
        // ids run against the time, and two rows share a millisecond: only (ts, id) orders them
        sql("INSERT INTO " + database + "." + table + " SELECT 100 - number, "
                + "toDateTime64('2026-12-04 10:00:00', 3, 'UTC') + toIntervalMillisecond(intDiv(number, 2) * 100 + 1), "
                + "toString(number) FROM system.numbers LIMIT 12");

        // a page of one row: every row's time is written back into the next query as the cursor
        List<String> emitted = read(table, "'orderByColumn':'id','changeTrackingColumn':'ts','readBatchSize':1,'safetyLag':'100ms'");

        List<String> expected = new ArrayList<>();
        for (int n = 0; n < 12; n += 2) {
            String ts = String.format("2026-12-04T10:00:00.%03dZ", (n / 2) * 100 + 1);
            expected.add("{\"id\":" + (100 - n - 1) + ",\"ts\":\"" + ts + "\",\"v\":\"" + (n + 1) + "\"}");
            expected.add("{\"id\":" + (100 - n) + ",\"ts\":\"" + ts + "\",\"v\":\"" + n + "\"}");
        }
        assertThat(emitted).containsExactlyElementsOf(expected);
    }

    @Test
    void compressedRequestsAndResponsesCarryEveryRow() throws Exception {
        String table = "compressed";
        sql("CREATE DATABASE IF NOT EXISTS " + database);
        createTable(table, "id Int64, ts DateTime64(3, 'UTC'), amount Decimal(18, 2), note String");
        String[] records = new String[2000];
        for (int i = 0; i < records.length; i++) {
            records[i] = "{'id':" + i + ",'ts':'2026-12-04T10:00:00." + String.format("%03d", i % 1000) + "Z','amount':" + i + ".25,"
                    + "'note':'" + "compressible text ".repeat(5) + "'}";
        }
        write(table, "'compression':true,'batchSize':1000", records);

        ObjectNode stored = rows("SELECT count() AS n, toString(sum(amount)) AS total, sum(toUnixTimestamp64Milli(ts) % 1000) AS ms FROM "
                + database + "." + table).get(0);
        assertThat(stored.get("n").asLong()).isEqualTo(2000);
        assertThat(new BigDecimal(stored.get("total").asText())).isEqualByComparingTo("1999500");
        assertThat(stored.get("ms").asLong()).isEqualTo(999_000);
        List<String> emitted = read(table, "'orderByColumn':'id','changeTrackingColumn':'ts','compression':true,'readBatchSize':500");
        assertThat(emitted).hasSize(2000);
        // in (ts, id) order: the last is the later of the two rows at .999
        assertThat(tree(emitted.get(1999)).get("ts").asText()).isEqualTo("2026-12-04T10:00:00.999Z");
        assertThat(tree(emitted.get(1999)).get("amount").decimalValue()).isEqualByComparingTo(new BigDecimal("1999.25"));
    }

    @Test
    void anAutoCreatedTableGetsDateTime64DecimalAndBool() throws Exception {
        String table = "inferred_modern";
        sql("CREATE DATABASE IF NOT EXISTS " + database);
        write(table, "'autoCreateTable':true,'conflictKey':'id'",
                "{'id':1,'at':'2026-12-04T10:00:00.123Z','money':12.345,'price':0.1,'flag':true,'ratio':1e-30}",
                "{'id':2,'at':'2026-12-04T11:00:01.5+01:00','money':7,'price':12345678901234567.25,'flag':false,'ratio':2.5}");

        assertThat(columnTypes(table)).containsEntry("at", "DateTime64(3)").containsEntry("money", "Decimal(38, 3)")
                .containsEntry("price", "Decimal(38, 2)").containsEntry("flag", "Bool").containsEntry("ratio", "Float64");
        List<ObjectNode> stored = rows("SELECT toUnixTimestamp64Milli(at) AS at, toString(money) AS money, toString(price) AS price, "
                + "flag FROM " + database + "." + table + " ORDER BY id");
        assertThat(stored.get(0).get("at").asLong()).isEqualTo(TEN_O_CLOCK * 1000 + 123);
        assertThat(new BigDecimal(stored.get(0).get("money").asText())).isEqualByComparingTo("12.345");
        assertThat(new BigDecimal(stored.get(0).get("price").asText())).isEqualByComparingTo("0.1");
        assertThat(stored.get(0).get("flag").asBoolean()).isTrue();
        assertThat(stored.get(1).get("at").asLong()).isEqualTo(TEN_O_CLOCK * 1000 + 1500);
        assertThat(new BigDecimal(stored.get(1).get("price").asText())).as("no float rounding")
                .isEqualByComparingTo("12345678901234567.25");
    }
}
