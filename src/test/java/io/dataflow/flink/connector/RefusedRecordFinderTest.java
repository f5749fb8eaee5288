package io.dataflow.flink.connector;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The halving against an in-memory target that refuses negative numbers and a second occurrence of a number, with
 * tries that either stay written or are taken back.
 */
class RefusedRecordFinderTest {

    /** A table with a unique key: refuses negatives and numbers it holds; counts the writes that stored something. */
    private static final class Target {
        final Set<Integer> stored = new HashSet<>();
        final List<List<Integer>> keptWrites = new ArrayList<>();
        Set<Integer> beforeTries;

        String write(List<Integer> records) {
            Set<Integer> seen = new HashSet<>(stored);
            for (int r : records) {
                if (r < 0) {
                    return "negative " + r;
                }
                if (!seen.add(r)) {
                    return "duplicate " + r;
                }
            }
            stored.addAll(records);
            keptWrites.add(List.copyOf(records));
            return null;
        }

        RefusedRecordFinder.Probe<Integer, RuntimeException> probe() {
            beforeTries = Set.copyOf(stored);
            int writesBefore = keptWrites.size();
            return new RefusedRecordFinder.Probe<>() {
                @Override
                public String tryWrite(List<Integer> records) {
                    return write(records);
                }

                @Override
                public void undoTries() {
                    stored.retainAll(beforeTries);
                    keptWrites.subList(writesBefore, keptWrites.size()).clear();
                }
            };
        }
    }

    private static List<Integer> batch(int n, Set<Integer> bad) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(bad.contains(i) ? -i : i);
        }
        return out;
    }

    @Test
    void findThenWriteStoresAllGoodRecordsWithOneWrite() {
        Target target = new Target();
        List<Integer> records = batch(1000, Set.of(3, 250, 251, 998));
        List<RefusedRecordFinder.Refusal<Integer>> refused = RefusedRecordFinder.findThenWrite(records, target.probe(), target::write);
        assertThat(refused).extracting(RefusedRecordFinder.Refusal::record).containsExactly(-3, -250, -251, -998);
        assertThat(refused.get(0).reason()).isEqualTo("negative -3");
        assertThat(target.keptWrites).hasSize(1);
        assertThat(target.stored).hasSize(996);
    }

    @Test
    void ofTwoRecordsThatConflictTheLaterIsRefusedEvenInDifferentHalves() {
        Target target = new Target();
        List<Integer> records = new ArrayList<>(batch(8, Set.of()));
        records.set(6, 1);
        List<RefusedRecordFinder.Refusal<Integer>> refused = RefusedRecordFinder.findThenWrite(records, target.probe(), target::write);
        assertThat(refused).singleElement().satisfies(r -> assertThat(r.reason()).isEqualTo("duplicate 1"));
        assertThat(target.keptWrites).hasSize(1);
        assertThat(target.stored).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 7);
    }

    @Test
    void whenTheOneWriteIsStillRefusedTheAcceptedRecordsAreSearchedWithKeptWrites() {
        Target target = new Target();
        List<Integer> records = batch(16, Set.of(5));
        // a concurrent writer stores 9 between the search and the write
        RefusedRecordFinder.Probe<Integer, RuntimeException> probe = target.probe();
        RefusedRecordFinder.Probe<Integer, RuntimeException> thenConcurrentWrite = new RefusedRecordFinder.Probe<>() {
            @Override
            public String tryWrite(List<Integer> r) {
                return probe.tryWrite(r);
            }

            @Override
            public void undoTries() {
                probe.undoTries();
                target.stored.add(9);
            }
        };
        List<RefusedRecordFinder.Refusal<Integer>> refused = RefusedRecordFinder.findThenWrite(records, thenConcurrentWrite, target::write);
        assertThat(refused).extracting(RefusedRecordFinder.Refusal::record).containsExactly(-5, 9);
        assertThat(target.stored).hasSize(15);
    }

    @Test
    void findKeepsTheAcceptedHalvesWritten() {
        Target target = new Target();
        List<RefusedRecordFinder.Refusal<Integer>> refused = new RefusedRecordFinder<Integer, RuntimeException>(target::write)
                .find(batch(64, Set.of(10)));
        assertThat(refused).extracting(RefusedRecordFinder.Refusal::record).containsExactly(-10);
        assertThat(target.stored).hasSize(63);
        assertThat(target.keptWrites.size()).isGreaterThan(1);
    }
}
