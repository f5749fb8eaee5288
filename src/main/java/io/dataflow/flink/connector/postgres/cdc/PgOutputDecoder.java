package io.dataflow.flink.connector.postgres.cdc;

import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Column;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Operation;
import io.dataflow.flink.connector.postgres.cdc.PgOutputMessage.Tuple;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes pgoutput protocol version 1 messages (PostgreSQL docs, "Logical Replication Message Formats") from the
 * payload of one XLogData message. Text-format tuples only: the source never asks for {@code binary}.
 */
final class PgOutputDecoder {

    private PgOutputDecoder() {
    }

    static PgOutputMessage decode(ByteBuffer buffer) {
        char tag = (char) buffer.get();
        switch (tag) {
            case 'B':
                return new PgOutputMessage.Begin(buffer.getLong(), buffer.getLong(), buffer.getInt());
            case 'C': {
                buffer.get(); // flags, unused
                return new PgOutputMessage.Commit(buffer.getLong(), buffer.getLong(), buffer.getLong());
            }
            case 'R':
                return relation(buffer);
            case 'I': {
                int relation = buffer.getInt();
                expect(buffer, 'N', "insert");
                return new PgOutputMessage.Change(Operation.INSERT, relation, null, false, tuple(buffer));
            }
            case 'U': {
                int relation = buffer.getInt();
                char next = (char) buffer.get();
                Tuple old = null;
                boolean keyOnly = next == 'K';
                if (next == 'K' || next == 'O') {
                    old = tuple(buffer);
                    next = (char) buffer.get();
                }
                if (next != 'N') {
                    throw new IllegalStateException("pgoutput update: expected 'N', got '" + next + "'");
                }
                return new PgOutputMessage.Change(Operation.UPDATE, relation, old, keyOnly, tuple(buffer));
            }
            case 'D': {
                int relation = buffer.getInt();
                char kind = (char) buffer.get();
                if (kind != 'K' && kind != 'O') {
                    throw new IllegalStateException("pgoutput delete: expected 'K' or 'O', got '" + kind + "'");
                }
                return new PgOutputMessage.Change(Operation.DELETE, relation, tuple(buffer), kind == 'K', null);
            }
            case 'T': {
                int count = buffer.getInt();
                buffer.get(); // options: CASCADE / RESTART IDENTITY
                List<Integer> ids = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    ids.add(buffer.getInt());
                }
                return new PgOutputMessage.Truncate(ids);
            }
            case 'O':
            case 'Y':
            case 'M':
                return new PgOutputMessage.Ignored(tag);
            default:
                throw new IllegalStateException("unknown pgoutput message '" + tag + "' (protocol version 1 was asked for)");
        }
    }

    private static PgOutputMessage.Relation relation(ByteBuffer buffer) {
        int id = buffer.getInt();
        String schema = string(buffer);
        String table = string(buffer);
        char identity = (char) buffer.get();
        int count = buffer.getShort();
        List<Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean key = (buffer.get() & 1) != 0;
            String name = string(buffer);
            int type = buffer.getInt();
            buffer.getInt(); // type modifier
            columns.add(new Column(name, type, key));
        }
        // the docs: an empty namespace means pg_catalog
        return new PgOutputMessage.Relation(id, schema.isEmpty() ? "pg_catalog" : schema, table, identity, List.copyOf(columns));
    }

    private static Tuple tuple(ByteBuffer buffer) {
        int count = buffer.getShort();
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            char kind = (char) buffer.get();
            switch (kind) {
                case 'n':
                    values.add(null);
                    break;
                case 'u':
                    values.add(Tuple.UNCHANGED_TOAST);
                    break;
                case 't': {
                    int length = buffer.getInt();
                    values.add(new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, StandardCharsets.UTF_8));
                    buffer.position(buffer.position() + length);
                    break;
                }
                default:
                    throw new IllegalStateException("pgoutput tuple: unexpected column kind '" + kind + "'");
            }
        }
        return new Tuple(values);
    }

    private static void expect(ByteBuffer buffer, char wanted, String what) {
        char got = (char) buffer.get();
        if (got != wanted) {
            throw new IllegalStateException("pgoutput " + what + ": expected '" + wanted + "', got '" + got + "'");
        }
    }

    /** A NUL-terminated UTF-8 string. */
    private static String string(ByteBuffer buffer) {
        int start = buffer.position();
        int end = start;
        while (buffer.get(end) != 0) {
            end++;
        }
        String s = new String(buffer.array(), buffer.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
        buffer.position(end + 1);
        return s;
    }
}
