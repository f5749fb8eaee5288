package io.dataflow.flink.transform.path;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void numbersBeyondDoubleRangeHaveGosTextAndAreTruthy() throws Exception {
        // Jackson reads 1e400 as the double Infinity; its string form used to throw NumberFormatException
        var tree = JSON.readTree("{\"big\": 1e400, \"small\": -1e400, \"ok\": 1.50, \"zero\": 0.0}");
        assertThat(JsonValues.asString(tree.get("big"))).isEqualTo("+Inf");
        assertThat(JsonValues.asString(tree.get("small"))).isEqualTo("-Inf");
        assertThat(JsonValues.isTruthy(tree.get("big"))).isTrue();
        assertThat(JsonValues.asString(tree.get("ok"))).isEqualTo("1.5");
        assertThat(JsonValues.isTruthy(tree.get("zero"))).isFalse();
    }
}
