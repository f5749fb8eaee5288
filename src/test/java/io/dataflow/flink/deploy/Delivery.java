package io.dataflow.flink.deploy;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * What reached a sink compared with what was produced: the records numbered {@code from} to {@code to} (exclusive),
 * each identified by its number, against the numbers found in the output.
 */
record Delivery(int expected, int lost, int duplicates, int unexpected, TreeSet<Integer> someLost) {

    static Delivery of(int from, int to, Collection<Integer> found) {
        Map<Integer, Integer> times = new HashMap<>();
        found.forEach(n -> times.merge(n, 1, Integer::sum));
        int lost = 0;
        int duplicates = 0;
        TreeSet<Integer> someLost = new TreeSet<>();
        for (int i = from; i < to; i++) {
            int n = times.getOrDefault(i, 0);
            if (n == 0) {
                lost++;
                if (someLost.size() < 10) {
                    someLost.add(i);
                }
            }
            duplicates += Math.max(0, n - 1);
        }
        int unexpected = (int) times.keySet().stream().filter(i -> i < from || i >= to).count();
        return new Delivery(to - from, lost, duplicates, unexpected, someLost);
    }

    @Override
    public String toString() {
        return expected + " records expected: " + lost + " lost" + (lost > 0 ? " (first: " + someLost + ")" : "") + ", "
                + duplicates + " duplicates, " + unexpected + " not expected";
    }
}
