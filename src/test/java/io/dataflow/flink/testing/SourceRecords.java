package io.dataflow.flink.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The records a reliability test's source produces, {@code (id, v)} in the order it produces them, and what a target
 * must hold afterwards, compared by value: an upsert target one row per key holding the key's last value (checked
 * by a checksum over the rows ordered by key, the same text PostgreSQL's {@code md5(string_agg(…))} hashes), an
 * append target every record (once, when exactly-once). A count of rows alone proves nothing on a table whose
 * primary key makes duplicates impossible; the values show a lost update, an old version written over a newer one,
 * or a row changed by a replay.
 */
public final class SourceRecords {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"?(\\d+)");
    private static final Pattern VALUE = Pattern.compile("\"v\"\\s*:\\s*\"([^\"]*)\"");
    private static final int EXAMPLES = 5;

    private final List<Row> records;
    private final SortedMap<Long, String> lastValues = new TreeMap<>();

    /** One record of a source or one row (or record) of a target. */
    public record Row(long id, String v) {
    }

    private SourceRecords(List<Row> records) {
        this.records = List.copyOf(records);
        for (Row r : records) {
            lastValues.put(r.id(), r.v());
        }
    }

    /**
     * {@code count} records, each key updated {@code versionsPerKey} times: in blocks of {@code window × versionsPerKey}
     * records, record r of a block sets key {@code block × window + r % window} to {@code "value <id> v<r / window>"}.
     * A key's versions are {@code window} records apart (in different batches and checkpoints), and the last versions
     * of a block's keys fill its last quarter: every part of the run writes some keys' last values, so a fault
     * anywhere in the run affects values the target must end with.
     */
    public static SourceRecords versions(int count, int versionsPerKey, int window) {
        List<Row> out = new ArrayList<>(count);
        int block = window * versionsPerKey;
        for (int i = 0; i < count; i++) {
            int r = i % block;
            long id = (long) (i / block) * window + r % window;
            out.add(new Row(id, "value " + id + " v" + (r / window)));
        }
        return new SourceRecords(out);
    }

    /** Records given in the order the source produces them (for a test that changes a table while the job runs). */
    public static SourceRecords of(List<Row> records) {
        return new SourceRecords(records);
    }

    /** {@code count} keys with one version each, {@code "value <id>"}: what the table sources' tests load. */
    public static SourceRecords oneVersion(int count) {
        List<Row> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new Row(i, "value " + i));
        }
        return new SourceRecords(out);
    }

    public int size() {
        return records.size();
    }

    public int keys() {
        return lastValues.size();
    }

    public Row get(int i) {
        return records.get(i);
    }

    /** Record i as the JSON a Kafka test source carries: {@code {"id":…,"v":"…"}}. */
    public String json(int i) {
        Row r = records.get(i);
        return "{\"id\":" + r.id() + ",\"v\":\"" + r.v() + "\"}";
    }

    /** The Kafka key of record i: {@code k-<id>}, so that the versions of a key stay in order in one partition. */
    public String kafkaKey(int i) {
        return "k-" + records.get(i).id();
    }

    /** MD5 (hex) of {@code id TAB v} lines joined by newlines, ordered by id: the last value of every key. */
    public String lastValuesChecksum() {
        return checksum(lastValues);
    }

    /** The same checksum over rows read from a target (several rows of a key: each is hashed, so the sum differs). */
    public static String checksum(List<Row> rows) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort((a, b) -> a.id() != b.id() ? Long.compare(a.id(), b.id()) : String.valueOf(a.v()).compareTo(String.valueOf(b.v())));
        StringBuilder text = new StringBuilder();
        for (Row r : sorted) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(r.id()).append('\t').append(r.v());
        }
        return md5(text.toString());
    }

    private static String checksum(SortedMap<Long, String> byKey) {
        List<Row> rows = new ArrayList<>();
        byKey.forEach((id, v) -> rows.add(new Row(id, v)));
        return checksum(rows);
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An upsert target's rows compared with the last value of each key: keys missing, keys holding another value
     * (an older version, a replay's), keys the source never produced, and rows beyond one per key.
     */
    public UpsertComparison compareLastValues(List<Row> rows) {
        Map<Long, List<String>> actual = new HashMap<>();
        for (Row r : rows) {
            actual.computeIfAbsent(r.id(), id -> new ArrayList<>()).add(r.v());
        }
        long missing = 0;
        long wrong = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<Long, String> e : lastValues.entrySet()) {
            List<String> found = actual.get(e.getKey());
            if (found == null) {
                missing++;
                example(examples, "key " + e.getKey() + " missing (last value '" + e.getValue() + "')");
            } else if (!found.contains(e.getValue()) || found.size() > 1) {
                wrong++;
                example(examples, "key " + e.getKey() + " holds " + found + ", the source's last value is '" + e.getValue() + "'");
            }
        }
        long unexpected = actual.keySet().stream().filter(id -> !lastValues.containsKey(id)).count();
        actual.keySet().stream().filter(id -> !lastValues.containsKey(id)).limit(EXAMPLES)
                .forEach(id -> example(examples, "key " + id + " was never produced: " + actual.get(id)));
        long extraRows = rows.size() - actual.size();
        return new UpsertComparison(rows.size(), keys(), missing, wrong, unexpected, extraRows, checksum(rows),
                lastValuesChecksum(), List.copyOf(examples));
    }

    /**
     * An append target's records compared with every source record: records missing, and copies beyond the first
     * (replays of an at-least-once sink), and records the source never produced.
     */
    public AppendComparison compareAppended(List<Row> appended) {
        Map<Row, Integer> expected = new HashMap<>();
        records.forEach(r -> expected.merge(r, 1, Integer::sum));
        Map<Row, Integer> seen = new HashMap<>();
        appended.forEach(r -> seen.merge(r, 1, Integer::sum));
        long lost = 0;
        long duplicates = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<Row, Integer> e : expected.entrySet()) {
            int found = seen.getOrDefault(e.getKey(), 0);
            if (found < e.getValue()) {
                lost += e.getValue() - found;
                example(examples, "missing: " + e.getKey());
            } else {
                duplicates += found - e.getValue();
            }
        }
        long unexpected = seen.entrySet().stream().filter(e -> !expected.containsKey(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        seen.keySet().stream().filter(r -> !expected.containsKey(r)).limit(EXAMPLES).forEach(r -> example(examples, "never produced: " + r));
        return new AppendComparison(appended.size(), records.size(), lost, duplicates, unexpected, List.copyOf(examples));
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < 2 * EXAMPLES) {
            examples.add(text);
        }
    }

    /** {@code (id, v)} of a JSON record as the tests' sources write it ({@code "id"} a number, or a string as ClickHouse writes Int64). */
    public static Row parseJson(String json) {
        Matcher id = ID.matcher(json);
        Matcher v = VALUE.matcher(json);
        if (!id.find() || !v.find()) {
            throw new AssertionError("not a test record {\"id\":…,\"v\":\"…\"}: " + json);
        }
        return new Row(Long.parseLong(id.group(1)), v.group(1));
    }

    public static List<Row> parseJson(List<String> values) {
        return values.stream().map(SourceRecords::parseJson).toList();
    }

    /** An upsert target against the source: {@link #matches()} when it holds exactly the last value of every key. */
    public record UpsertComparison(long rows, long keys, long missingKeys, long wrongValues, long unexpectedKeys, long extraRows,
                                   String targetChecksum, String sourceChecksum, List<String> examples) {

        public boolean matches() {
            return rows == keys && targetChecksum.equals(sourceChecksum);
        }

        @Override
        public String toString() {
            return rows + " rows for " + keys + " keys: " + missingKeys + " keys missing, " + wrongValues + " with another value than the source's last, "
                    + unexpectedKeys + " never produced, " + extraRows + " rows beyond one per key; checksum " + targetChecksum
                    + (targetChecksum.equals(sourceChecksum) ? " = " : " ≠ ") + "source's " + sourceChecksum + (examples.isEmpty() ? "" : "; " + examples);
        }
    }

    /** An append target against the source records. */
    public record AppendComparison(long records, long expected, long lost, long duplicates, long unexpected, List<String> examples) {

        @Override
        public String toString() {
            return records + " records for " + expected + " produced: " + lost + " lost, " + duplicates + " duplicates, " + unexpected
                    + " never produced" + (examples.isEmpty() ? "" : "; " + examples);
        }
    }
}
