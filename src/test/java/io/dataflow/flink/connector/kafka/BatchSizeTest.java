package io.dataflow.flink.connector.kafka;

import io.dataflow.flink.config.ConfigValues;
import io.dataflow.flink.config.ValidationErrors;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BatchSizeTest {

    private static KafkaClientProperties producer(String json) throws Exception {
        ValidationErrors errors = new ValidationErrors();
        KafkaConnectorFactory factory = new KafkaConnectorFactory();
        ConfigValues config = KafkaConnectorFactoryTest.validate("sink.config", json, factory.sinkOptions(), factory::validateSink, errors);
        assertThat(errors.list()).isEmpty();
        return KafkaClientProperties.forProducer(config);
    }

    @Test
    void withoutFlushBytesBatchesAre128KiBOnATopicThatTakesThem() throws Exception {
        KafkaClientProperties p = producer("{'brokers':['a:9092'],'topic':'t'}");
        assertThat(BatchSize.forTopic(p, 1_048_588).get("batch.size")).isEqualTo("131072");
    }

    @Test
    void batchesNeverExceedTheTopicsMaxMessageBytes() throws Exception {
        KafkaClientProperties p = producer("{'brokers':['a:9092'],'topic':'t'}");
        assertThat(BatchSize.forTopic(p, 4096).get("batch.size")).isEqualTo("4096");
    }

    @Test
    void anUnknownLimitKeepsKafkaClientsDefault() throws Exception {
        KafkaClientProperties p = producer("{'brokers':['a:9092'],'topic':'t'}");
        assertThat(BatchSize.forTopic(p, Integer.MAX_VALUE).get("batch.size")).isNull();
    }

    @Test
    void flushBytesIsTakenAsWritten() throws Exception {
        KafkaClientProperties p = producer("{'brokers':['a:9092'],'topic':'t','flushBytes':500000}");
        assertThat(BatchSize.forTopic(p, 4096).get("batch.size")).isEqualTo("500000");
        assertThat(BatchSize.forTopic("t", p, null).get("batch.size")).as("no admin request when set").isEqualTo("500000");
    }

    @Test
    void flushBytesZeroStillSendsEveryRecordOnItsOwn() throws Exception {
        KafkaClientProperties p = producer("{'brokers':['a:9092'],'topic':'t','flushBytes':0}");
        assertThat(BatchSize.forTopic(p, 1_048_588).get("batch.size")).isEqualTo("0");
    }
}
