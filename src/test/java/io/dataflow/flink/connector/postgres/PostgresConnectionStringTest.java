package io.dataflow.flink.connector.postgres;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresConnectionStringTest {

    @Test
    void urlWithPasswordMovesCredentialsIntoProperties() {
        PostgresConnectionString c = PostgresConnectionString.parse("postgres://app:s3cret@pg.internal:6432/orders?sslmode=disable");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://pg.internal:6432/orders");
        Properties p = c.properties();
        assertThat(p.getProperty("user")).isEqualTo("app");
        assertThat(p.getProperty("password")).isEqualTo("s3cret");
        assertThat(p.getProperty("sslmode")).isEqualTo("disable");
        assertThat(p.getProperty("ApplicationName")).isEqualTo("dataflow-flink");
        assertThat(p.getProperty("logServerErrorDetail")).isEqualTo("false");
        assertThat(c.toString()).doesNotContain("s3cret").contains("app");
    }

    @Test
    void urlWithoutPasswordAndDefaults() {
        PostgresConnectionString c = PostgresConnectionString.parse("postgresql://postgres@127.0.0.1/test");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
        assertThat(c.properties().getProperty("user")).isEqualTo("postgres");
        assertThat(c.properties().containsKey("password")).isFalse();
        assertThat(c.properties().containsKey("sslmode")).isFalse();
    }

    @Test
    void percentEncodedCredentialsAndDatabaseAreDecodedAndPlusStaysPlus() {
        PostgresConnectionString c = PostgresConnectionString.parse("postgres://us%40er:p%40ss%3Aw%2Fo+rd%25@h:5432/my%20db");
        assertThat(c.properties().getProperty("user")).isEqualTo("us@er");
        assertThat(c.properties().getProperty("password")).isEqualTo("p@ss:w/o+rd%");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/my%20db");
    }

    @Test
    void unencodedAtInPasswordSplitsOnTheLastAt() {
        PostgresConnectionString c = PostgresConnectionString.parse("postgres://u:p@ss@h/db");
        assertThat(c.properties().getProperty("password")).isEqualTo("p@ss");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
    }

    @Test
    void libpqParametersAreMappedAndRuntimeParametersGoToOptions() {
        PostgresConnectionString c = PostgresConnectionString.parse(
                "postgres://u@h/db?connect_timeout=7&application_name=orders%20sink&sslmode=verify-full"
                        + "&sslrootcert=/etc/ca.pem&target_session_attrs=read-write&search_path=sales&pool_max_conns=4");
        Properties p = c.properties();
        assertThat(p.getProperty("connectTimeout")).isEqualTo("7");
        assertThat(p.getProperty("ApplicationName")).isEqualTo("orders sink");
        assertThat(p.getProperty("sslmode")).isEqualTo("verify-full");
        assertThat(p.getProperty("sslrootcert")).isEqualTo("/etc/ca.pem");
        assertThat(p.getProperty("targetServerType")).isEqualTo("primary");
        assertThat(p.getProperty("options")).isEqualTo("-c search_path=sales");
        assertThat(p.containsKey("pool_max_conns")).isFalse();
    }

    @Test
    void multipleHostsAndIpv6() {
        assertThat(PostgresConnectionString.parse("postgres://u@h1:5433,h2/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://h1:5433,h2:5432/db");
        assertThat(PostgresConnectionString.parse("postgres://u@[::1]:5444/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://[::1]:5444/db");
    }

    @Test
    void keyValueDsnWithQuotedValues() {
        PostgresConnectionString c = PostgresConnectionString.parse(
                "host=db.local port=5433 dbname='my db' user=app password='it\\'s' sslmode=require connect_timeout = 3");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:5433/my%20db");
        assertThat(c.properties().getProperty("user")).isEqualTo("app");
        assertThat(c.properties().getProperty("password")).isEqualTo("it's");
        assertThat(c.properties().getProperty("sslmode")).isEqualTo("require");
        assertThat(c.properties().getProperty("connectTimeout")).isEqualTo("3");
    }

    @Test
    void keyValueDsnQuotingRules() {
        PostgresConnectionString c = PostgresConnectionString.parse("host=h user=u password='p w \\'x\\' \\\\y' dbname=d");
        assertThat(c.properties().getProperty("password")).isEqualTo("p w 'x' \\y");
        PostgresConnectionString empty = PostgresConnectionString.parse("host=h user=u password='' dbname=d");
        assertThat(empty.properties().getProperty("password")).isEmpty();
    }

    @Test
    void databaseDefaultsToTheUserName() {
        assertThat(PostgresConnectionString.parse("host=h user=alice").jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/alice");
    }

    @Test
    void jdbcUrlKeepsItsParametersButMovesCredentials() {
        PostgresConnectionString c = PostgresConnectionString.parse(
                "jdbc:postgresql://h:5432/db?user=u&password=p%26w&sslmode=disable&ApplicationName=mine");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
        assertThat(c.properties().getProperty("user")).isEqualTo("u");
        assertThat(c.properties().getProperty("password")).isEqualTo("p&w");
        assertThat(c.properties().getProperty("ApplicationName")).isEqualTo("mine");
    }

    @Test
    void invalidInputIsNamedAndNeverEchoesThePassword() {
        assertThatThrownBy(() -> PostgresConnectionString.parse("postgres://u:topsecret@h:99999/db"))
                .hasMessageContaining("invalid port").hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> PostgresConnectionString.parse("postgres://u:topsecret@h/db?sslmode=maybe"))
                .hasMessageContaining("invalid sslmode").hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> PostgresConnectionString.parse("postgres://u:top%zzsecret@h/db"))
                .hasMessageContaining("percent-encoding in the password").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> PostgresConnectionString.parse("host=h password='topsecret"))
                .hasMessageContaining("unterminated quoted value for \"password\"").hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> PostgresConnectionString.parse("mysql://u:topsecret@h/db"))
                .hasMessageContaining("unsupported scheme").hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> PostgresConnectionString.parse("topsecret"))
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> PostgresConnectionString.parse("jdbc:postgresql://h/db?password=top%zzsecret"))
                .hasMessageContaining("percent-encoding in parameter password").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> PostgresConnectionString.parse("host=h password=a'b topsecret"))
                .hasMessageContaining("missing \"=\"").hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> PostgresConnectionString.parse(" ")).hasMessage("is empty");
        assertThatThrownBy(() -> PostgresConnectionString.parse("host=h connect_timeout=soon"))
                .hasMessageContaining("connect_timeout");
    }
}
