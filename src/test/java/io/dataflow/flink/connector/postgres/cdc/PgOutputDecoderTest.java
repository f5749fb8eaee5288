package io.dataflow.flink.connector.postgres.cdc;

import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Change;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Operation;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Relation;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Tuple;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** pgoutput v1 messages built byte by byte as the server writes them (PostgreSQL docs, protocol-logicalrep-message-formats). */
class PgOutputDecoderTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    private PgOutputMessage decode() {
        // a slice with an array offset, as the driver hands the payload over
        byte[] framed = new byte[bytes.size() + 3];
        System.arraycopy(bytes.toByteArray(), 0, framed, 3, bytes.size());
        ByteBuffer buffer = ByteBuffer.wrap(framed);
        buffer.position(3);
        return PgOutputDecoder.decode(buffer.slice());
    }

    private void string(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    private void text(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('t');
        out.writeInt(b.length);
        out.write(b);
    }

    @Test
    void beginAndCommitCarryTheLsnsAndTime() throws IOException {
        out.write('B');
        out.writeLong(0x16B3748L);
        out.writeLong(1_000_000L);
        out.writeInt(42);
        assertThat(decode()).isEqualTo(new PgOutputMessage.Begin(0x16B3748L, 1_000_000L, 42));
        bytes.reset();
        out.write('C');
        out.write(0);
        out.writeLong(0x100L);
        out.writeLong(0x128L);
        out.writeLong(7L);
        assertThat(decode()).isEqualTo(new PgOutputMessage.Commit(0x100L, 0x128L, 7L));
    }

    @Test
    void relationListsColumnsWithKeyFlagsAndTypes() throws IOException {
        out.write('R');
        out.writeInt(16384);
        string("sales");
        string("örders; x");
        out.write('d');
        out.writeShort(2);
        out.write(1);
        string("id");
        out.writeInt(20);
        out.writeInt(-1);
        out.write(0);
        string("note");
        out.writeInt(25);
        out.writeInt(-1);
        Relation r = (Relation) decode();
        assertThat(r.qualifiedName()).isEqualTo("sales.örders; x");
        assertThat(r.columns()).containsExactly(new PgOutputMessage.Column("id", 20, true), new PgOutputMessage.Column("note", 25, false));
    }

    @Test
    void tuplesDistinguishNullUnchangedToastAndText() throws IOException {
        out.write('U');
        out.writeInt(16384);
        out.write('K');
        out.writeShort(3);
        text("1");
        out.write('n');
        out.write('n');
        out.write('N');
        out.writeShort(3);
        text("1");
        out.write('u');
        text("naïve ✓");
        Change c = (Change) decode();
        assertThat(c.operation()).isEqualTo(Operation.UPDATE);
        assertThat(c.oldIsKeyOnly()).isTrue();
        assertThat(c.oldTuple().values()).containsExactly("1", null, null);
        assertThat(c.newTuple().values().get(1)).isSameAs(Tuple.UNCHANGED_TOAST);
        assertThat(c.newTuple().values().get(2)).isEqualTo("naïve ✓");
    }

    @Test
    void insertsDeletesAndTruncates() throws IOException {
        out.write('I');
        out.writeInt(7);
        out.write('N');
        out.writeShort(1);
        text("x");
        assertThat(decode()).isEqualTo(new Change(Operation.INSERT, 7, null, false, new Tuple(List.of("x"))));
        bytes.reset();
        out.write('D');
        out.writeInt(7);
        out.write('O');
        out.writeShort(1);
        text("x");
        assertThat(decode()).isEqualTo(new Change(Operation.DELETE, 7, new Tuple(List.of("x")), false, null));
        bytes.reset();
        out.write('T');
        out.writeInt(2);
        out.write(0);
        out.writeInt(7);
        out.writeInt(8);
        assertThat(decode()).isEqualTo(new PgOutputMessage.Truncate(List.of(7, 8)));
    }

    @Test
    void unknownMessagesFailLoudly() throws IOException {
        out.write('Z');
        assertThatThrownBy(this::decode).hasMessageContaining("unknown pgoutput message 'Z'");
        bytes.reset();
        out.write('I');
        out.writeInt(7);
        out.write('X');
        assertThatThrownBy(this::decode).hasMessageContaining("expected 'N'");
        bytes.reset();
        out.write('Y');
        assertThat(decode()).isEqualTo(new PgOutputMessage.Ignored('Y'));
        assertThat(Arrays.asList(Operation.values())).hasSize(3);
    }
}
