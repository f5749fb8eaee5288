package io.dataflow.flink.metrics;

import io.prometheus.client.Collector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the job's {@code dataflow_*} metrics under the original's names (docs/ORIGINAL.md#metrics) instead of Flink's
 * {@code flink_taskmanager_job_task_operator_…} names. A metric is one of them when its name starts with
 * {@value #PREFIX}; its labels are the key/value groups it was registered under whose key is one of {@link #LABELS}
 * (Flink's own scope variables — host, task manager, job and task ids — are left out), plus {@code subtask_index}:
 * every subtask reports its own series and a query sums them. Counters are served as counters, gauges as gauges, and
 * {@code <family>_bucket}/{@code _sum}/{@code _count} parts (see {@link SecondsHistogram}) as one histogram.
 *
 * <p>A restarted task registers its metrics again, possibly before the old attempt's are removed; the series with
 * the same name and labels is then the newest one (removing the old metric leaves it).
 */
final class OriginalSeriesCollector extends Collector {

    static final String PREFIX = "dataflow_";

    /** The original's label names, in the order they are served; {@code subtask_index} comes last. */
    static final List<String> LABELS = List.of("namespace", "name", "source_type", "sink_type", "route", "connector_type",
            "connector_name", "operation", "error_type", "transformer_type", "transformer_index", "topic", "partition", "le");

    private static final String SUBTASK = "subtask_index";
    private static final List<String> HISTOGRAM_PARTS = List.of("_bucket", "_sum", "_count");

    private final Map<SeriesKey, Metric> series = new ConcurrentHashMap<>();

    static boolean isOriginal(String metricName) {
        return metricName.startsWith(PREFIX);
    }

    void added(Metric metric, String metricName, MetricGroup group) {
        series.put(key(metricName, group), metric);
    }

    void removed(Metric metric, String metricName, MetricGroup group) {
        series.remove(key(metricName, group), metric);
    }

    private static SeriesKey key(String metricName, MetricGroup group) {
        Map<String, String> variables = group.getAllVariables();
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (String label : LABELS) {
            String value = variables.get("<" + label + ">");
            if (value != null) {
                names.add(label);
                values.add(value);
            }
        }
        String subtask = variables.get("<" + SUBTASK + ">");
        if (subtask != null) {
            names.add(SUBTASK);
            values.add(subtask);
        }
        return new SeriesKey(metricName, List.copyOf(names), List.copyOf(values));
    }

    @Override
    public List<MetricFamilySamples> collect() {
        Map<String, List<MetricFamilySamples.Sample>> samples = new LinkedHashMap<>();
        Map<String, Type> types = new LinkedHashMap<>();
        series.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            SeriesKey key = entry.getKey();
            Double value = valueOf(entry.getValue());
            if (value == null) {
                return;
            }
            String family = histogramFamily(key.name());
            Type type = family != null ? Type.HISTOGRAM : entry.getValue() instanceof Counter ? Type.COUNTER : Type.GAUGE;
            family = family != null ? family : key.name();
            types.putIfAbsent(family, type);
            samples.computeIfAbsent(family, f -> new ArrayList<>())
                    .add(new MetricFamilySamples.Sample(key.name(), key.labelNames(), key.labelValues(), value));
        });
        List<MetricFamilySamples> families = new ArrayList<>();
        samples.forEach((family, list) -> families.add(new MetricFamilySamples(family, types.get(family),
                family + " (a series of the original DataFlow, docs/OPERATIONS.md)", list)));
        return families;
    }

    private static String histogramFamily(String name) {
        for (String part : HISTOGRAM_PARTS) {
            if (name.endsWith(part)) {
                return name.substring(0, name.length() - part.length());
            }
        }
        return null;
    }

    private static Double valueOf(Metric metric) {
        if (metric instanceof Counter counter) {
            return (double) counter.getCount();
        }
        if (metric instanceof Gauge<?> gauge) {
            Object value = gauge.getValue();
            if (value instanceof Number number) {
                return number.doubleValue();
            }
            if (value instanceof Boolean flag) {
                return flag ? 1.0 : 0.0;
            }
        }
        return null;
    }

    /**
     * One series: its sample name and labels. Ordered so that a family's samples come out grouped and stable, a
     * histogram's buckets by their bound.
     */
    private record SeriesKey(String name, List<String> labelNames, List<String> labelValues) implements Comparable<SeriesKey> {
        @Override
        public int compareTo(SeriesKey other) {
            int order = name.compareTo(other.name);
            for (int i = 0; order == 0 && i < Math.min(labelValues.size(), other.labelValues.size()); i++) {
                order = labelNames.get(i).equals("le") && other.labelNames.get(i).equals("le")
                        ? Double.compare(bound(labelValues.get(i)), bound(other.labelValues.get(i)))
                        : labelValues.get(i).compareTo(other.labelValues.get(i));
            }
            return order != 0 ? order : Integer.compare(labelValues.size(), other.labelValues.size());
        }

        private static double bound(String le) {
            return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        }
    }
}
