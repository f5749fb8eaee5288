package io.dataflow.flink.connector;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the records of a failed batch that the target refuses, writing all the others: the batch is split in
 * halves, each half tried on its own, and a failing half split again until single records remain. With k bad
 * records among n this costs about 2·k·log2(n) writes instead of n. The sinks supply what one try is (PostgreSQL: a
 * COPY under a savepoint; ClickHouse: one INSERT, which a parse error refuses as a whole).
 *
 * @param <T> a record as the sink prepared it
 * @param <E> the failure a try throws when the target fails as a whole
 */
public final class RefusedRecordFinder<T, E extends Exception> {

    /** One try at writing some records, all or nothing. */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        /**
         * @return null when the records were written, else the target's reason for refusing them
         * @throws E when the failure is not about these records (it would fail every half alike)
         */
        String write(List<T> records) throws E;
    }

    /** A refused record and the target's reason. */
    public record Refusal<T>(T record, String reason) {
    }

    private final Attempt<T, E> attempt;

    public RefusedRecordFinder(Attempt<T, E> attempt) {
        this.attempt = attempt;
    }

    /**
     * Writes every acceptable record of {@code records} (which failed together) and answers the refused ones in
     * batch order.
     */
    public List<Refusal<T>> find(List<T> records) throws E {
        List<Refusal<T>> refused = new ArrayList<>();
        split(records, refused);
        return refused;
    }

    private void split(List<T> records, List<Refusal<T>> refused) throws E {
        if (records.size() == 1) {
            String reason = attempt.write(records);
            if (reason != null) {
                refused.add(new Refusal<>(records.get(0), reason));
            }
            return;
        }
        int middle = records.size() / 2;
        for (List<T> half : List.of(records.subList(0, middle), records.subList(middle, records.size()))) {
            String reason = attempt.write(half);
            if (reason != null) {
                if (half.size() == 1) {
                    refused.add(new Refusal<>(half.get(0), reason));
                } else {
                    split(half, refused);
                }
            }
        }
    }
}
