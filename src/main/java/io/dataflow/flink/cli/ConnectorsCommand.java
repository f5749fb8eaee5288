package io.dataflow.flink.cli;

import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.docs.ReferenceDocs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code connectors}: every connector type the job can use, with its roles; {@code connectors TYPE}: its options.
 * Types come from {@link ConnectorRegistry} (the ServiceLoader the job itself uses) and options from
 * {@link ReferenceDocs#optionRows}, the same rows as docs/CONNECTORS.md.
 */
@Command(name = "connectors", mixinStandardHelpOptions = true,
        description = "Lists the connector types and their roles, or one type's options (exit 2 for an unknown type).")
final class ConnectorsCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "TYPE", description = "A connector type: print its source and sink options.")
    String type;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (type == null) {
            printTypes(out);
            return 0;
        }
        Optional<ConnectorFactory> factory = ConnectorRegistry.find(type);
        if (factory.isEmpty()) {
            spec.commandLine().getErr().println("error: unknown connector type " + type + " (known: " + String.join(", ", allTypes()) + ")");
            return 2;
        }
        printOptions(out, factory.get());
        return 0;
    }

    private static TreeSet<String> allTypes() {
        TreeSet<String> types = new TreeSet<>(ConnectorRegistry.sourceTypes());
        types.addAll(ConnectorRegistry.sinkTypes());
        return types;
    }

    private static void printTypes(PrintWriter out) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"TYPE", "ROLES", "DESCRIPTION"});
        for (String t : allTypes()) {
            ConnectorFactory f = ConnectorRegistry.find(t).orElseThrow();
            lines.add(new String[] {t, roles(f), f.description()});
        }
        printColumns(out, lines, "");
        out.println();
        out.println("Options of one type: connectors TYPE");
    }

    /** {@code source, sink}, {@code source} or {@code sink}. */
    static String roles(ConnectorFactory f) {
        List<String> roles = new ArrayList<>();
        if (f.isSource()) {
            roles.add("source");
        }
        if (f.isSink()) {
            roles.add("sink");
        }
        return String.join(", ", roles);
    }

    private static void printOptions(PrintWriter out, ConnectorFactory f) {
        out.println(f.type() + " (" + roles(f) + "): " + f.description());
        if (f.isSource()) {
            out.println();
            out.println("Source options:");
            printRows(out, ReferenceDocs.optionRows(f.sourceOptions()));
        }
        if (f.isSink()) {
            out.println();
            out.println("Sink options:");
            printRows(out, ReferenceDocs.optionRows(f.sinkOptions()));
        }
        out.println();
        out.println("Every string or string-list option also accepts a sibling <option>SecretRef: {name, key} (see docs/MANIFEST.md).");
    }

    private static void printRows(PrintWriter out, List<ReferenceDocs.OptionRow> rows) {
        if (rows.isEmpty()) {
            out.println("  (none)");
            return;
        }
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"NAME", "TYPE", "DEFAULT", "REQUIRED", "SECRET", "DESCRIPTION"});
        for (ReferenceDocs.OptionRow row : rows) {
            lines.add(new String[] {row.name(), row.type(), defaultText(row.defaultValue()),
                    row.required() ? "yes" : "no", row.secret() ? "yes" : "no", row.description().replace("\n", " ")});
        }
        printColumns(out, lines, "  ");
    }

    /** {@code -} for no default, {@code ""} for an empty one, so that no cell is blank. */
    private static String defaultText(String defaultValue) {
        return defaultValue == null ? "-" : defaultValue.isEmpty() ? "\"\"" : defaultValue;
    }

    /** Pads every column but the last (a free-text description) to its widest cell. */
    private static void printColumns(PrintWriter out, List<String[]> lines, String indent) {
        int columns = lines.get(0).length;
        int[] widths = new int[columns];
        for (String[] line : lines) {
            for (int i = 0; i < columns - 1; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder(indent);
            for (int i = 0; i < columns - 1; i++) {
                text.append(line[i]).append(" ".repeat(widths[i] - line[i].length() + 2));
            }
            out.println(text.append(line[columns - 1]).toString().stripTrailing());
        }
    }
}
