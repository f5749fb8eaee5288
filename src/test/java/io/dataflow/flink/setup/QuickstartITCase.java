package io.dataflow.flink.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dataflow.flink.testing.Postgres;
import io.dataflow.flink.testing.RealServers;
import io.dataflow.flink.testing.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/QUICKSTART.md's steps 1 to 3 run as a newcomer runs them, in order, from the page's own fenced blocks: step 1's
 * command (the demo) from the repository's directory, step 2's manifest saved under the name its first line gives,
 * step 3's commands one by one in a directory where {@code target/} is the build's. Each command must succeed, and the
 * manifest's sink table must then hold the paid orders the demo stored. Step 4 submits to a Flink session cluster
 * and step 5 is the whole suite: neither runs here (the session cluster is tested by FlinkRunITCase).
 */
@RealServers({Server.POSTGRES, Server.KAFKA})
class QuickstartITCase {

    private static final Path PROJECT = Path.of(System.getProperty("dataflow.project.dir", System.getProperty("user.dir")));
    private static final Pattern FILE_NAME = Pattern.compile("^#\\s*(\\S+\\.ya?ml):");

    @TempDir
    Path work;

    @Test
    void stepsOneToThreeRunAsWritten() throws Exception {
        String page = Files.readString(PROJECT.resolve("docs/QUICKSTART.md"), StandardCharsets.UTF_8);

        for (String command : commands(fencedBlock(page, 1, "bash"))) {
            run(command, PROJECT, 10);
        }

        String manifest = fencedBlock(page, 2, "yaml");
        Matcher name = FILE_NAME.matcher(manifest);
        assertThat(name.find()).as("step 2's manifest names its file on its first line").isTrue();
        Files.writeString(work.resolve(name.group(1)), manifest, StandardCharsets.UTF_8);
        Files.createSymbolicLink(work.resolve("target"), PROJECT.resolve("target"));
        String sinkTable = new ObjectMapper(new YAMLFactory()).readTree(manifest).at("/sink/config/table").asText();
        assertThat(sinkTable).as("step 2's sink table").isNotBlank();
        Postgres.execute("DROP TABLE IF EXISTS " + sinkTable);

        String lastOutput = "";
        for (String command : commands(fencedBlock(page, 3, "bash"))) {
            lastOutput = run(command, work, 5);
        }

        assertThat(orderIds(sinkTable)).as("the paid orders of the demo, copied by step 3's run")
                .isNotEmpty()
                .containsExactlyElementsOf(orderIds("public.demo_orders WHERE status = 'paid'"));
        assertThat(Postgres.count("SELECT count(*) FROM information_schema.columns WHERE table_schema || '.' || table_name = '"
                + sinkTable + "' AND column_name = 'note'")).as("the remove transformation dropped note").isZero();
        assertThat(lastOutput).as("step 3's last command shows the rows").contains("paid");
    }

    /** The first fenced block of the given language under the heading "## STEP." of the page. */
    private static String fencedBlock(String page, int step, String language) {
        int heading = page.indexOf("\n## " + step + ". ");
        assertThat(heading).as("QUICKSTART.md has a step " + step).isNotNegative();
        int nextHeading = page.indexOf("\n## ", heading + 1);
        String section = page.substring(heading, nextHeading < 0 ? page.length() : nextHeading);
        Matcher block = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(section);
        assertThat(block.find()).as("step " + step + " has a ```" + language + " block").isTrue();
        return block.group(1);
    }

    private static List<String> commands(String block) {
        return block.lines().filter(l -> !l.isBlank()).toList();
    }

    /**
     * Runs one line of a page's bash block as a user's shell would; it must succeed. Returns its output. The bound
     * only keeps a hanging step (a polling source on a table that does not exist never ends) from holding the suite.
     */
    private String run(String command, Path directory, int minutes) throws Exception {
        Path log = work.resolve("command-" + UUID.randomUUID() + ".log");
        Process p = new ProcessBuilder("bash", "-c", command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended;
        try {
            ended = p.waitFor(minutes, TimeUnit.MINUTES);
        } finally {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("`" + command + "` in " + directory + " ends within " + minutes + " min; its output's end:\n"
                + output.substring(Math.max(0, output.length() - 3000))).isTrue();
        assertThat(p.exitValue()).as("exit code of `" + command + "` in " + directory + ", output:\n" + output).isZero();
        return output;
    }

    private static List<Long> orderIds(String fromWhere) throws Exception {
        TreeSet<Long> ids = new TreeSet<>();
        try (Connection c = Postgres.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT order_id FROM " + fromWhere)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return new ArrayList<>(ids);
    }
}
