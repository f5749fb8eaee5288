package io.dataflow.flink.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dataflow.flink.manifest.Manifest;
import io.dataflow.flink.manifest.RouteSpec;
import io.dataflow.flink.message.Message;
import io.dataflow.flink.runtime.RecordDispatcher;
import io.dataflow.flink.transform.TransformChain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code test MANIFEST --input FILE}: runs the manifest's transformations, conditions, router and error routing on
 * sample records in this process — no server, no cluster, no connector is opened — through the same
 * {@link RecordDispatcher} the job uses, and prints one JSON line per outcome.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Runs the manifest's transformations, router and error routing on sample records, without servers.",
                "Input: one record per line, a JSON value, or KEY<TAB>JSON to set metadata.key. Output: one JSON line per outcome,",
                "{\"to\": \"sink\" | \"route-<i>\" | \"errors\" | \"filtered\", \"value\": ...} (errors with their reason)."})
final class TestCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Mixin
    ManifestOptions options;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Sample records, one per line; - reads standard input.")
    String input;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Manifest manifest = options.load(err);
        if (manifest == null) {
            return 2;
        }
        ManifestOptions.printWarnings(manifest, err);
        List<String> lines;
        if ("-".equals(input)) {
            lines = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().toList();
        } else if (!Files.isRegularFile(Path.of(input))) {
            err.println("--input " + input + ": file not found");
            return 2;
        } else {
            lines = Files.readAllLines(Path.of(input), StandardCharsets.UTF_8);
        }
        // Every line is read before any runs, so a typo in line 9 does not leave half the output printed.
        List<Message> records = new ArrayList<>();
        List<String> lineErrors = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                records.add(record(lines.get(i)));
            } catch (IOException e) {
                lineErrors.add("  line " + (i + 1) + ": not a JSON value, nor KEY<TAB>JSON");
            }
        }
        if (!lineErrors.isEmpty()) {
            err.println("invalid input " + input + ":");
            lineErrors.forEach(err::println);
            return 2;
        }
        RecordDispatcher dispatcher = new RecordDispatcher(TransformChain.create(manifest.transformations(), TransformChain.Observer.NONE),
                manifest.routes(), manifest.sink().type(), manifest.errors().isPresent());
        PrintWriter out = spec.commandLine().getOut();
        for (Message record : records) {
            // The chain may change the record in place; "filtered" shows it as it was read.
            JsonNode asRead = record.json().deepCopy();
            dispatcher.dispatch(record, new PrintedOutcomes(out, manifest.routes(), asRead));
        }
        out.flush();
        return 0;
    }

    /**
     * A line that is a JSON value is the record; otherwise {@code KEY<TAB>JSON} as kafka-console-producer's
     * {@code parse.key} reads it (tab is its default separator). The whole line is tried first because a tab may
     * also be white space inside a JSON value.
     */
    static Message record(String line) throws IOException {
        Map<String, Object> metadata = new LinkedHashMap<>();
        JsonNode value;
        try {
            value = JSON.readTree(line);
        } catch (IOException notJson) {
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw notJson;
            }
            value = JSON.readTree(line.substring(tab + 1));
            metadata.put("key", line.substring(0, tab));
        }
        if (value == null || value.isMissingNode()) {
            throw new IOException("empty value");
        }
        return Message.ofJson(value, metadata, System.currentTimeMillis());
    }

    /** Prints each outcome of one record as a JSON line. */
    private static final class PrintedOutcomes implements RecordDispatcher.Targets {
        private final PrintWriter out;
        private final List<RouteSpec> routes;
        private final JsonNode asRead;

        PrintedOutcomes(PrintWriter out, List<RouteSpec> routes, JsonNode asRead) {
            this.out = out;
            this.routes = routes;
            this.asRead = asRead;
        }

        @Override
        public void toMainSink(Message message) {
            print(line("sink", message));
        }

        @Override
        public void toRoute(int position, Message message) {
            print(line("route-" + routes.get(position).index(), message));
        }

        @Override
        public void toErrors(Message original, String reason, Message envelope) {
            print(line("errors", original).put("reason", reason));
        }

        @Override
        public void dropped(Message original, String reason) {
            // The job logs and drops it: shown as an error all the same, marked so that nobody looks for it in a sink.
            print(line("errors", original).put("reason", reason).put("dropped", "the manifest has no errors sink: the job logs and drops this record"));
        }

        @Override
        public void filtered() {
            ObjectNode line = JSON.createObjectNode().put("to", "filtered");
            line.set("value", asRead);
            print(line);
        }

        private static ObjectNode line(String to, Message message) {
            ObjectNode line = JSON.createObjectNode().put("to", to);
            JsonNode value = message.json();
            if (value != null) {
                line.set("value", value);
            } else {
                line.put("value", message.dataAsString());
            }
            return line;
        }

        private void print(ObjectNode line) {
            try {
                out.println(JSON.writeValueAsString(line));
            } catch (IOException e) {
                throw new IllegalStateException("cannot print an outcome", e);
            }
        }
    }
}
