package io.dataflow.flink.connector.clickhouse;

import com.clickhouse.client.api.ServerException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

/** Error codes and messages as ClickHouse 18.16 and newer servers send them. */
class ClickHouseErrorsTest {

    private static ClickHouseException server(String message, int httpStatus) {
        return ClickHouseErrors.wrap("inserting into db.t", new ServerException(0, message, httpStatus, "q1"));
    }

    @Test
    void aParseErrorOf1816IsADataErrorWithoutThePayloadExcerpt() {
        ClickHouseException e = server("Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected \" before: "
                + "abc\",\"s\":\"secret row\"}\\n: (while read the value of key n): (at row 2)\n, e.what() = DB::Exception "
                + "(transport error: 500)", 500);
        assertThat(e.code()).isEqualTo(27);
        assertThat(e.isDataError()).isTrue();
        assertThat(e.isTransient()).isFalse();
        assertThat(e.reason()).isEqualTo("ClickHouse code 27: Cannot parse input: expected \": (while read the value of key n): (at row 2)");
        assertThat(e.getMessage()).startsWith("inserting into db.t failed: ClickHouse code 27").doesNotContain("secret row");
    }

    @Test
    void modernServerMessagesAreReadToo() {
        ClickHouseException e = server("Code: 241. DB::Exception: Memory limit (total) exceeded: would use 3.5 GiB. "
                + "(MEMORY_LIMIT_EXCEEDED) (version 24.3.2.23 (official build))", 500);
        assertThat(e.code()).isEqualTo(241);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.reason()).isEqualTo("ClickHouse code 241: Memory limit (total) exceeded: would use 3.5 GiB. (MEMORY_LIMIT_EXCEEDED)");
    }

    @Test
    void tooManyPartsTimeoutsAndGatewayErrorsAreTransient() {
        assertThat(server("Code: 252. DB::Exception: Too many parts (300). (TOO_MANY_PARTS)", 500).isTransient()).isTrue();
        assertThat(server("Code: 159. DB::Exception: Timeout exceeded", 500).isTransient()).isTrue();
        assertThat(server("Bad gateway", 502).isTransient()).isTrue();
        assertThat(server("Service unavailable", 503).isTransient()).isTrue();
        assertThat(server("Code: 60, e.displayText() = DB::Exception: Table db.t doesn't exist., e.what() = DB::Exception", 404)
                .isTransient()).isFalse();
    }

    @Test
    void connectionFailuresAreTransientAndMaskEmbeddedPasswords() {
        ClickHouseException e = ClickHouseErrors.wrap("connecting",
                new RuntimeException("wrapped", new ConnectException("refused by clickhouse://u:pw-secret@h:9000")));
        assertThat(e.isTransient()).isTrue();
        assertThat(e.isDataError()).isFalse();
        assertThat(e.getMessage()).contains("ConnectException").doesNotContain("pw-secret");
    }
}
