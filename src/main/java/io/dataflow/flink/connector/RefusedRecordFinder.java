package io.dataflow.flink.connector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the records of a failed batch that the target refuses: the batch is split in halves, each half tried on its
 * own, and a failing half split again until single records remain. With k bad records among n this costs about
 * 2·k·log2(n) tries instead of n.
 *
 * <p>Two ways to use it, depending on whether the target can take a try back:
 * <ul>
 *   <li>{@link #findThenWrite}: for targets that can try without keeping (PostgreSQL: tries under savepoints, then
 *       the transaction rolled back; ClickHouse: tries into a temporary table; Trino: SELECTs that evaluate the
 *       values). The tries only find the refused records; all the accepted ones are then written by ONE write, so
 *       a batch with a few bad records still lands as one statement (one COPY, one part, one snapshot), not as
 *       dozens of pieces.</li>
 *   <li>{@link #find}: where no such try is possible: every accepted half is a kept write, so the good records are
 *       stored in pieces (the ClickHouse sink's fallback when it cannot have its temporary table).</li>
 * </ul>
 *
 * @param <T> a record as the sink prepared it
 * @param <E> the failure a try throws when the target fails as a whole
 */
public final class RefusedRecordFinder<T, E extends Exception> {

    /** One try at writing some records, all or nothing; what it accepted stays written. */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        /**
         * @return null when the records were written, else the target's reason for refusing them
         * @throws E when the failure is not about these records (it would fail every half alike)
         */
        String write(List<T> records) throws E;
    }

    /**
     * Tries on a target that can take them back. What a try accepted stays visible to the later tries of the same
     * search (so that two records that conflict with each other are found, the later one refused), until
     * {@link #undoTries} takes all of them back. A target whose tries leave nothing behind has nothing to undo.
     */
    public interface Probe<T, E extends Exception> {
        /** Like {@link Attempt#write}: null when the target accepts the records, else its reason for refusing them. */
        String tryWrite(List<T> records) throws E;

        /** Takes back everything the tries of this search accepted. */
        void undoTries() throws E;
    }

    /** A refused record and the target's reason. */
    public record Refusal<T>(T record, String reason) {
    }

    private record Indexed<T>(int index, T record) {
    }

    private record IndexedRefusal<T>(int index, Refusal<T> refusal) {
    }

    private final Attempt<T, E> attempt;

    /** A finder whose tries are kept writes (see {@link #find}). */
    public RefusedRecordFinder(Attempt<T, E> attempt) {
        this.attempt = attempt;
    }

    /**
     * Writes every acceptable record of {@code records} (which failed together) in the pieces the halving
     * accepted, and answers the refused ones in batch order. For targets that cannot take a write back.
     */
    public List<Refusal<T>> find(List<T> records) throws E {
        return unwrap(halve(indexed(records), attempt::write));
    }

    /**
     * Finds the refused records of {@code records} (which failed together) with tries that {@code probe} takes back
     * afterwards, then writes all the others with one call of {@code write}, and answers the refused ones in batch
     * order. Should that one write still be refused (a concurrent writer stored a conflicting row in between), the
     * accepted records are searched again with kept writes, so that the call always ends.
     */
    public static <T, E extends Exception> List<Refusal<T>> findThenWrite(List<T> records, Probe<T, E> probe,
                                                                          Attempt<T, E> write) throws E {
        List<Indexed<T>> all = indexed(records);
        List<IndexedRefusal<T>> refused;
        try {
            refused = halve(all, probe::tryWrite);
        } finally {
            probe.undoTries();
        }
        List<Indexed<T>> accepted = new ArrayList<>(all.size() - refused.size());
        int next = 0;
        for (Indexed<T> record : all) {
            if (next < refused.size() && refused.get(next).index() == record.index()) {
                next++;
            } else {
                accepted.add(record);
            }
        }
        if (!accepted.isEmpty() && write.write(records(accepted)) != null) {
            List<IndexedRefusal<T>> more = new ArrayList<>(refused);
            more.addAll(halve(accepted, write::write));
            more.sort(Comparator.comparingInt(IndexedRefusal::index));
            refused = more;
        }
        return unwrap(refused);
    }

    @FunctionalInterface
    private interface Try<T, E extends Exception> {
        String run(List<T> records) throws E;
    }

    /** The refused records of {@code records} (in batch order), by halving; every half is one try. */
    private static <T, E extends Exception> List<IndexedRefusal<T>> halve(List<Indexed<T>> records, Try<T, E> attempt)
            throws E {
        List<IndexedRefusal<T>> refused = new ArrayList<>();
        if (records.size() == 1) {
            String reason = attempt.run(records(records));
            if (reason != null) {
                refused.add(new IndexedRefusal<>(records.get(0).index(), new Refusal<>(records.get(0).record(), reason)));
            }
            return refused;
        }
        split(records, attempt, refused);
        return refused;
    }

    private static <T, E extends Exception> void split(List<Indexed<T>> records, Try<T, E> attempt,
                                                       List<IndexedRefusal<T>> refused) throws E {
        int middle = records.size() / 2;
        for (List<Indexed<T>> half : List.of(records.subList(0, middle), records.subList(middle, records.size()))) {
            String reason = attempt.run(records(half));
            if (reason != null) {
                if (half.size() == 1) {
                    refused.add(new IndexedRefusal<>(half.get(0).index(), new Refusal<>(half.get(0).record(), reason)));
                } else {
                    split(half, attempt, refused);
                }
            }
        }
    }

    private static <T> List<Indexed<T>> indexed(List<T> records) {
        List<Indexed<T>> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            out.add(new Indexed<>(i, records.get(i)));
        }
        return out;
    }

    private static <T> List<T> records(List<Indexed<T>> indexed) {
        List<T> out = new ArrayList<>(indexed.size());
        for (Indexed<T> i : indexed) {
            out.add(i.record());
        }
        return out;
    }

    private static <T> List<Refusal<T>> unwrap(List<IndexedRefusal<T>> refused) {
        List<Refusal<T>> out = new ArrayList<>(refused.size());
        for (IndexedRefusal<T> r : refused) {
            out.add(r.refusal());
        }
        return out;
    }
}
