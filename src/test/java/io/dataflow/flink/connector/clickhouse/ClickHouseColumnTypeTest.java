package io.dataflow.flink.connector.clickhouse;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Column types taken apart, and the text DateTime64 reads an instant from. */
class ClickHouseColumnTypeTest {

    @Test
    void wrappersAreLookedThroughAndArgumentsRead() {
        ClickHouseColumnType t = ClickHouseColumnType.parse("Nullable(DateTime64(6, 'Asia/Kolkata'))");
        assertThat(t.isDateTime64()).isTrue();
        assertThat(t.precision()).isEqualTo(6);
        assertThat(t.zone(ZoneOffset.UTC)).isEqualTo(ZoneId.of("Asia/Kolkata"));
        assertThat(ClickHouseColumnType.parse("DateTime64(3)").zone(ZoneOffset.UTC)).isEqualTo(ZoneOffset.UTC);
        assertThat(ClickHouseColumnType.parse("DateTime('Europe/Berlin')").zone(ZoneOffset.UTC)).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(ClickHouseColumnType.parse("LowCardinality(Nullable(String))").name()).isEqualTo("String");
        assertThat(ClickHouseColumnType.parse("Decimal(38, 10)").scale()).isEqualTo(10);
        assertThat(ClickHouseColumnType.parse("Decimal64(4)").scale()).isEqualTo(4);
        assertThat(ClickHouseColumnType.parse("Decimal(10)").scale()).isZero();
    }

    @Test
    void nestedTypesGiveTheirElements() {
        ClickHouseColumnType map = ClickHouseColumnType.parse("Map(String, Array(Nullable(Decimal(18, 4))))");
        assertThat(map.isMap()).isTrue();
        assertThat(map.mapValue().isArray()).isTrue();
        assertThat(map.mapValue().element().scale()).isEqualTo(4);
        assertThat(map.containsDecimal()).isTrue();
        assertThat(ClickHouseColumnType.parse("Map(String, Int32)").containsDecimal()).isFalse();
        assertThat(ClickHouseColumnType.parse("Array(DateTime64(3, 'UTC'))").needsConversion()).isTrue();
        assertThat(ClickHouseColumnType.parse("Enum8('a,b' = 1, 'c' = 2)").name()).isEqualTo("Enum8");
    }

    @Test
    void dateTime64TextIsEpochSecondsWithThePrecisionOrALocalTimeBefore1973() {
        Instant t = Instant.parse("2026-12-04T10:00:00.123456789Z");
        assertThat(ClickHouseRowEncoder.dateTime64Text(t, 3, ZoneOffset.UTC)).isEqualTo("1796378400.123");
        assertThat(ClickHouseRowEncoder.dateTime64Text(t, 9, ZoneOffset.UTC)).isEqualTo("1796378400.123456789");
        assertThat(ClickHouseRowEncoder.dateTime64Text(t, 0, ZoneOffset.UTC)).isEqualTo("1796378400");
        assertThat(ClickHouseRowEncoder.dateTime64Text(Instant.parse("1969-12-31T00:00:00.5Z"), 3, ZoneId.of("Asia/Kolkata")))
                .isEqualTo("1969-12-31 05:30:00.500");
        assertThat(ClickHouseRowEncoder.dateTime64Text(Instant.EPOCH, 0, ZoneOffset.UTC)).isEqualTo("1970-01-01 00:00:00");
    }
}
