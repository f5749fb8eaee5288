package io.dataflow.flink.setup;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/install-prerequisites.sh installs per command what that command uses: the demo (scripts/demo.sh) a JDK,
 * Maven and PostgreSQL only; the test suite (scripts/test.sh) those plus what the other test servers need. Read
 * through {@code --list}, which prints a mode's apt packages and installs nothing.
 */
class InstallPrerequisitesTest {

    private static final Path PROJECT = Path.of(System.getProperty("dataflow.project.dir", System.getProperty("user.dir")));
    private static final List<String> DEMO = List.of("openjdk-17-jdk-headless", "maven", "postgresql-client", "postgresql");

    @Test
    void theDemoInstallsOnlyWhatTheDemoUses() throws Exception {
        assertThat(packages("demo")).containsExactlyInAnyOrderElementsOf(DEMO);
    }

    @Test
    void theTestSuiteInstallsTheDemosPackagesAndTheTestServersNeeds() throws Exception {
        assertThat(packages("test")).containsAll(DEMO)
                .contains("clickhouse-server", "npm", "python3", "openssl", "curl");
    }

    @Test
    void withoutAModeItInstallsWhatTheTestSuiteNeeds() throws Exception {
        assertThat(packages(null)).containsExactlyElementsOf(packages("test"));
    }

    @Test
    void anUnknownModeIsRefusedWithItsUsage() throws Exception {
        Process p = new ProcessBuilder("bash", PROJECT.resolve("scripts/install-prerequisites.sh").toString(), "everything", "--list")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(2);
        assertThat(out).contains("usage:").contains("[demo|test]");
    }

    private static List<String> packages(String mode) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", PROJECT.resolve("scripts/install-prerequisites.sh").toString()));
        if (mode != null) {
            command.add(mode);
        }
        command.add("--list");
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
