package io.dataflow.flink.transform.condition;

import io.dataflow.flink.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The condition language of docs/ORIGINAL.md#condition-language against one fixed message. */
class ConditionTest {

    private static final String BODY = """
            {"status":"active","count":5,"price":1.50,"flag":true,"off":false,"zero":0,"empty":"","nothing":null,
             "falseText":"false","user":{"name":"Ann Lee","tags":["a","b"],"address":{"city":"Oslo"}},"items":[],
             "quote":"it's","expr":"a && b","big":12345678901234}""";

    private static Message message() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("topic", "orders");
        metadata.put("partition", 3);
        metadata.put("key", "k1");
        metadata.put("operation", "delete");
        metadata.put("is_error_message", true);
        metadata.put("headers", Map.of("Content-Type", "json"));
        metadata.put("timestamp", Instant.parse("2026-11-25T10:15:30.5Z"));
        metadata.put("kafka.topic", "dotted-key");
        Message m = Message.of(BODY);
        m.metadata().putAll(metadata);
        return m;
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
            // truthiness of body fields
            "status => true",
            "$.status => true",
            "flag => true",
            "off => false",
            "count => true",
            "zero => false",
            "empty => false",
            "falseText => false",
            "nothing => false",
            "missing => false",
            "user => true",
            "items => true",
            "user.address.city => true",
            "user.tags.1 => true",
            "user.tags.7 => false",
            // comparisons on the string form
            "status == 'active' => true",
            "status == \"active\" => true",
            "status == active => true",
            "status != 'active' => false",
            "status != 'inactive' => true",
            "count == 5 => true",
            "count == '5' => true",
            "price == 1.5 => true",
            "flag == true => true",
            "flag == 'true' => true",
            "big == 12345678901234 => true",
            "user.name == 'Ann Lee' => true",
            "$.user.address.city == Oslo => true",
            "status=='active' => true",
            "status==active => true",
            "quote == 'it\\'s' => true",
            "expr == 'a && b' => true",
            // missing and null fields are false for == and !=
            "missing == '' => false",
            "missing != 'x' => false",
            "nothing != 'x' => false",
            // metadata
            "metadata.topic => true",
            "metadata.topic == 'orders' => true",
            "metadata.topic == orders => true",
            "metadata.partition == 3 => true",
            "metadata.is_error_message => true",
            "metadata.is_error_message == true => true",
            "metadata.missing => false",
            "metadata.missing != 'x' => false",
            "metadata.headers.Content-Type == json => true",
            "metadata.kafka.topic == dotted-key => true",
            "metadata.timestamp == '2026-11-25T10:15:30.500Z' => true",
            // ! && || and parentheses
            "!off => true",
            "!status => false",
            "!missing => true",
            "! (status == 'active') => false",
            "!(metadata.operation == 'delete') => false",
            "status && flag => true",
            "status && off => false",
            "off || flag => true",
            "off || zero => false",
            "off && flag || status => true",
            "status || off && zero => true",
            "(status || off) && zero => false",
            "off && (flag || status) => false",
            "!(off || zero) && count == 5 => true",
            "((status == active)) => true",
            "metadata.topic == 'orders' && !deleted && (count == 5 || price == 2) => true",
            "status == 'x' || metadata.key == k1 => true",
            "!!flag => true",
    })
    void evaluates(String condition, boolean expected) throws Exception {
        assertThat(Condition.parse(condition).test(message())).as(condition).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0} fails at column {1}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
            "(status => 8",
            "status) => 7",
            "status && => 10",
            "&& status => 1",
            "status || || flag => 11",
            "status == 'active => 11",
            "status == => 10",
            "status flag => 8",
            "() => 2",
            "! => 2",
            "a..b => 1",
            "(a || b)) && c => 9",
    })
    void rejectsWithColumn(String condition, int column) {
        assertThatThrownBy(() -> Condition.parse(condition))
                .isInstanceOf(ConditionParseException.class)
                .satisfies(e -> assertThat(((ConditionParseException) e).column()).as(e.getMessage()).isEqualTo(column))
                .hasMessageContaining("column " + column);
    }

    @Test
    void emptyConditionIsFalse() throws Exception {
        assertThat(Condition.parse("").test(message())).isFalse();
        assertThat(Condition.parse("   ").test(message())).isFalse();
        assertThat(Condition.parse(null).test(message())).isFalse();
    }

    @Test
    void bodyFieldsOnANonJsonPayloadAreFalseButMetadataStillWorks() throws Exception {
        Message raw = Message.of("plain text, not JSON");
        raw.putMetadata("topic", "orders");
        assertThat(Condition.parse("status").test(raw)).isFalse();
        assertThat(Condition.parse("status != 'x'").test(raw)).isFalse();
        assertThat(Condition.parse("metadata.topic == orders").test(raw)).isTrue();
    }

    @Test
    void evaluatesWithoutChangingTheMessage() throws Exception {
        Message m = message();
        byte[] before = m.data().clone();
        Condition.parse("status == active && user.name").test(m);
        assertThat(m.data()).isEqualTo(before);
    }
}
