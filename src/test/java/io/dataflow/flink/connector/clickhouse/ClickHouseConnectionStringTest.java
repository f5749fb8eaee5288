package io.dataflow.flink.connector.clickhouse;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickHouseConnectionStringTest {

    @Test
    void theOriginalsNativeDsnMapsOntoTheHttpPortWithItsSettings() {
        ClickHouseConnectionString c = ClickHouseConnectionString.parse(
                "clickhouse://writer:p%40ss:w@ch:9000/metrics?dial_timeout=10s&max_execution_time=60&compress=true");
        assertThat(c.endpoint()).isEqualTo("http://ch:8123/");
        assertThat(c.database()).isEqualTo("metrics");
        assertThat(c.user()).isEqualTo("writer");
        assertThat(c.password()).isEqualTo("p@ss:w");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.serverSettings()).isEqualTo(Map.of("max_execution_time", "60"));
        assertThat(c.toString()).isEqualTo("http://ch:8123/metrics (user writer)").doesNotContain("p@ss");
    }

    @Test
    void secureNativeDsnsBecomeHttps() {
        assertThat(ClickHouseConnectionString.parse("clickhouse://ch:9440/db?secure=true").endpoint()).isEqualTo("https://ch:8443/");
        assertThat(ClickHouseConnectionString.parse("clickhouse://ch/db?secure=true").endpoint()).isEqualTo("https://ch:8443/");
        assertThat(ClickHouseConnectionString.parse("clickhouse://ch/db").endpoint()).isEqualTo("http://ch:8123/");
    }

    @Test
    void tcpDsnsCarryCredentialsAndDatabaseAsParameters() {
        ClickHouseConnectionString c = ClickHouseConnectionString.parse("tcp://ch:9000?username=u&password=pw&database=shop&read_timeout=30");
        assertThat(c.endpoint()).isEqualTo("http://ch:8123/");
        assertThat(c.user()).isEqualTo("u");
        assertThat(c.password()).isEqualTo("pw");
        assertThat(c.database()).isEqualTo("shop");
        assertThat(c.socketTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.serverSettings()).isEmpty();
    }

    @Test
    void httpUrlsAreTakenAsTheyAreAndOtherPortsStay() {
        ClickHouseConnectionString c = ClickHouseConnectionString.parse("https://ch.example:8443/analytics?user=reader");
        assertThat(c.endpoint()).isEqualTo("https://ch.example:8443/");
        assertThat(c.database()).isEqualTo("analytics");
        assertThat(c.user()).isEqualTo("reader");
        assertThat(c.password()).isEmpty();
        assertThat(ClickHouseConnectionString.parse("http://ch").endpoint()).isEqualTo("http://ch:8123/");
        assertThat(ClickHouseConnectionString.parse("http://ch").database()).isEqualTo("default");
        assertThat(ClickHouseConnectionString.parse("http://ch").user()).isEqualTo("default");
        assertThat(ClickHouseConnectionString.parse("clickhouse://ch:18123/db").endpoint()).isEqualTo("http://ch:18123/");
        assertThat(ClickHouseConnectionString.parse("clickhouse://ch:19000/db?http_port=18123").endpoint()).isEqualTo("http://ch:18123/");
        assertThat(ClickHouseConnectionString.parse("clickhouse://[::1]:9000/db").endpoint()).isEqualTo("http://[::1]:8123/");
        assertThat(ClickHouseConnectionString.parse("clickhouse://a:9000,b:9000/db").host()).isEqualTo("a");
    }

    @Test
    void manifestCredentialsOverrideTheUrls() {
        ClickHouseConnectionString c = ClickHouseConnectionString.parse("clickhouse://u:old@ch:9000/db").withCredentials("admin", "new");
        assertThat(c.user()).isEqualTo("admin");
        assertThat(c.password()).isEqualTo("new");
        assertThat(ClickHouseConnectionString.parse("clickhouse://u:old@ch:9000/db").withCredentials(null, null).password()).isEqualTo("old");
    }

    @Test
    void errorsNameThePartAndNeverThePassword() {
        assertThatThrownBy(() -> ClickHouseConnectionString.parse("")).hasMessage("is empty");
        assertThatThrownBy(() -> ClickHouseConnectionString.parse("postgres://u:secret@h/db"))
                .hasMessageContaining("unsupported scheme \"postgres\"").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> ClickHouseConnectionString.parse("clickhouse://u:secret@h:99999/db"))
                .hasMessageContaining("invalid port").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> ClickHouseConnectionString.parse("clickhouse://u:secret@:9000/db")).hasMessage("has no host");
        assertThatThrownBy(() -> ClickHouseConnectionString.parse("clickhouse://h/db?dial_timeout=soon"))
                .hasMessageContaining("dial_timeout");
        assertThatThrownBy(() -> ClickHouseConnectionString.parse("ch:9000")).hasMessageContaining("is not a URL");
    }
}
