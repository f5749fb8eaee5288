package io.dataflow.flink.docs;

import io.dataflow.flink.config.ConfigField;

import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.transform.TransformRegistry;
import io.dataflow.flink.transform.TransformerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes the connector and transformation reference (docs/CONNECTORS.md) from the options the code declares,
 * so the docs cannot drift from what validation accepts. {@code ReferenceDocsTest} fails when the committed
 * file is stale.
 */
public final class ReferenceDocs {

    private ReferenceDocs() {
    }

    /** The all-in-one reference, {@code docs/CONNECTORS.md}: every connector and transformation, linked to its page. */
    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Connector and transformation reference\n\n")
                .append("Generated from the typed options in the code (`ReferenceDocs`); `ReferenceDocsTest` fails when this file is stale ")
                .append("(regenerate: `mvn -q test -Dtest=ReferenceDocsTest -Ddocs.update=true`). One page per connector and per ")
                .append("transformation, with the same content: [reference/](reference/).\n\n")
                .append(SECRET_REF_NOTE);
        for (String type : connectorTypes()) {
            md.append("\n## `").append(type).append("`\n\n");
            connectorBody(md, type, "###");
        }
        if (!transformationTypes().isEmpty()) {
            md.append("\n# Transformations\n");
            for (String type : transformationTypes()) {
                md.append("\n## `").append(type).append("`\n\n");
                transformationBody(md, type);
            }
        }
        return md.toString();
    }

    /**
     * One page per connector ({@code reference/connectors/<type>.md}) and per transformation
     * ({@code reference/transformations/<type>.md}), plus {@code reference/README.md} listing them; paths are relative to
     * {@code docs/}.
     */
    public static Map<String, String> pages() {
        Map<String, String> pages = new TreeMap<>();
        StringBuilder index = new StringBuilder("# Reference pages\n\nGenerated from the typed options in the code (`ReferenceDocs`); ")
                .append("all of them on one page: [CONNECTORS.md](../CONNECTORS.md).\n\n## Connectors\n\n");
        for (String type : connectorTypes()) {
            StringBuilder md = new StringBuilder("# Connector `" + type + "`\n\n");
            connectorBody(md, type, "##");
            md.append("\n").append(SECRET_REF_NOTE);
            pages.put("reference/connectors/" + type + ".md", md.toString());
            index.append("- [`").append(type).append("`](connectors/").append(type).append(".md)\n");
        }
        index.append("\n## Transformations\n\n");
        for (String type : transformationTypes()) {
            StringBuilder md = new StringBuilder("# Transformation `" + type + "`\n\n");
            transformationBody(md, type);
            pages.put("reference/transformations/" + type + ".md", md.toString());
            index.append("- [`").append(type).append("`](transformations/").append(type).append(".md)\n");
        }
        pages.put("reference/README.md", index.toString());
        return pages;
    }

    private static final String SECRET_REF_NOTE =
            "Every string or string-list option also accepts a sibling `<option>SecretRef: {name, key}` (see MANIFEST.md).\n";

    private static List<String> connectorTypes() {
        TreeSet<String> types = new TreeSet<>(ConnectorRegistry.sourceTypes());
        types.addAll(ConnectorRegistry.sinkTypes());
        types.removeIf(type -> isTestOnly(ConnectorRegistry.find(type).orElseThrow().description()));
        return List.copyOf(types);
    }

    private static List<String> transformationTypes() {
        TreeSet<String> types = new TreeSet<>(TransformRegistry.types());
        types.removeIf(type -> isTestOnly(TransformRegistry.find(type).orElseThrow().description()));
        return List.copyOf(types);
    }

    private static void connectorBody(StringBuilder md, String type, String heading) {
        ConnectorFactory f = ConnectorRegistry.find(type).orElseThrow();
        md.append(f.description()).append("\n");
        if (f.isSource()) {
            md.append("\n").append(heading).append(" Source options\n\n");
            table(md, f.sourceOptions());
        }
        if (f.isSink()) {
            md.append("\n").append(heading).append(" Sink options\n\n");
            table(md, f.sinkOptions());
        }
    }

    private static void transformationBody(StringBuilder md, String type) {
        TransformerFactory t = TransformRegistry.find(type).orElseThrow();
        md.append(t.description()).append("\n\n");
        table(md, t.options());
    }

    /** Connectors and transformations that tests register on their classpath; never documented. */
    static boolean isTestOnly(String description) {
        return description.startsWith("test only");
    }

    private static void table(StringBuilder md, List<ConfigField<?>> options) {
        md.append("| option | type | default | description |\n|---|---|---|---|\n");
        for (OptionRow row : optionRows(options)) {
            md.append("| `").append(row.name()).append("` | ").append(row.type().replace("|", "\\|")).append(" | ")
                    .append(row.required() ? "**required**" : row.defaultValue() == null ? "" : "`" + row.defaultValue() + "`").append(" | ")
                    .append(row.description().replace("|", "\\|").replace("\n", " "))
                    .append(row.secret() ? " (secret: masked)" : "").append(" |\n");
        }
    }

    /**
     * One documented option as the reference shows it: nested options flattened to {@code parent.child} (or
     * {@code parent[].child} in a list of objects), the type and default as readers write them. The CLI's
     * {@code connectors TYPE} prints these same rows, so the command and the docs cannot disagree.
     *
     * @param defaultValue the default as written in a manifest, or null when there is none
     */
    public record OptionRow(String name, String type, String defaultValue, boolean required, String description, boolean secret) {
    }

    /** The rows of {@code options}, each followed by the rows of its nested options. */
    public static List<OptionRow> optionRows(List<ConfigField<?>> options) {
        List<OptionRow> rows = new ArrayList<>();
        addRows(rows, options, "");
        return rows;
    }

    private static void addRows(List<OptionRow> rows, List<ConfigField<?>> options, String prefix) {
        for (ConfigField<?> o : options) {
            rows.add(new OptionRow(prefix + o.name(), typeName(o), defaultText(o.defaultValue()), o.required(), o.description(), o.secret()));
            if (o.type() == ConfigField.Type.OBJECT || o.type() == ConfigField.Type.OBJECT_LIST) {
                addRows(rows, o.children(), prefix + o.name() + (o.type() == ConfigField.Type.OBJECT_LIST ? "[]." : "."));
            }
        }
    }

    private static String typeName(ConfigField<?> o) {
        switch (o.type()) {
            case ENUM:
                return String.join(" | ", o.enumValues());
            case STRING_LIST:
                return "list of strings";
            case OBJECT_LIST:
                return "list of objects";
            case DURATION:
                return "duration";
            default:
                return o.type().name().toLowerCase();
        }
    }

    private static String defaultText(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Duration) {
            return value.toString().substring(2).toLowerCase();
        }
        return String.valueOf(value);
    }
}
