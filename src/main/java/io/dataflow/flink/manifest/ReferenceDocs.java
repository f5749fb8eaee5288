package io.dataflow.flink.manifest;

import io.dataflow.flink.connector.ConnectorFactory;
import io.dataflow.flink.connector.ConnectorRegistry;
import io.dataflow.flink.transform.TransformRegistry;
import io.dataflow.flink.transform.TransformerFactory;

import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

/**
 * Writes the connector and transformation reference (docs/CONNECTORS.md) from the options the code declares,
 * so the docs cannot drift from what validation accepts. {@code ReferenceDocsTest} fails when the committed
 * file is stale.
 */
public final class ReferenceDocs {

    private ReferenceDocs() {
    }

    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Connector and transformation reference\n\n")
                .append("Generated from the typed options in the code (`ReferenceDocs`); `ReferenceDocsTest` fails when this file is stale ")
                .append("(regenerate: `mvn -q test -Dtest=ReferenceDocsTest -Ddocs.update=true`).\n\n")
                .append("Every string or string-list option also accepts a sibling `<option>SecretRef: {name, key}` (see MANIFEST.md).\n");
        TreeSet<String> types = new TreeSet<>(ConnectorRegistry.sourceTypes());
        types.addAll(ConnectorRegistry.sinkTypes());
        for (String type : types) {
            ConnectorFactory f = ConnectorRegistry.find(type).orElseThrow();
            if (isTestOnly(f.description())) {
                continue;
            }
            md.append("\n## `").append(type).append("`\n\n").append(f.description()).append("\n");
            if (f.isSource()) {
                md.append("\n### Source options\n\n");
                table(md, f.sourceOptions(), "");
            }
            if (f.isSink()) {
                md.append("\n### Sink options\n\n");
                table(md, f.sinkOptions(), "");
            }
        }
        if (!TransformRegistry.types().isEmpty()) {
            md.append("\n# Transformations\n");
            for (String type : TransformRegistry.types()) {
                TransformerFactory t = TransformRegistry.find(type).orElseThrow();
                if (isTestOnly(t.description())) {
                    continue;
                }
                md.append("\n## `").append(type).append("`\n\n").append(t.description()).append("\n\n");
                table(md, t.options(), "");
            }
        }
        return md.toString();
    }

    /** Connectors and transformations that tests register on their classpath; never documented. */
    static boolean isTestOnly(String description) {
        return description.startsWith("test only");
    }

    private static void table(StringBuilder md, List<ConfigOption<?>> options, String prefix) {
        if (prefix.isEmpty()) {
            md.append("| option | type | default | description |\n|---|---|---|---|\n");
        }
        for (ConfigOption<?> o : options) {
            md.append("| `").append(prefix).append(o.name()).append("` | ").append(typeName(o)).append(" | ")
                    .append(o.required() ? "**required**" : defaultText(o.defaultValue())).append(" | ")
                    .append(o.description().replace("|", "\\|").replace("\n", " "))
                    .append(o.secret() ? " (secret: masked)" : "").append(" |\n");
            if (o.type() == ConfigOption.Type.OBJECT || o.type() == ConfigOption.Type.OBJECT_LIST) {
                table(md, o.children(), prefix + o.name() + (o.type() == ConfigOption.Type.OBJECT_LIST ? "[]." : "."));
            }
        }
    }

    private static String typeName(ConfigOption<?> o) {
        switch (o.type()) {
            case ENUM:
                return String.join(" \\| ", o.enumValues());
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
            return "";
        }
        if (value instanceof Duration) {
            return "`" + value.toString().substring(2).toLowerCase() + "`";
        }
        return "`" + value + "`";
    }
}
