package io.dataflow.flink.manifest;

import io.dataflow.flink.config.ValidationErrors;
import io.dataflow.flink.config.SecretMasker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretResolverTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final SecretMasker masker = new SecretMasker();

    private JsonNode resolve(String json, Map<String, String> env, ValidationErrors errors) throws Exception {
        JsonNode tree = JSON.readTree(json);
        new SecretResolver(dir.resolve("secrets"), env::get, masker).resolve(tree, errors);
        return tree;
    }

    @Test
    void envAndFilePlaceholdersAreReplacedInsideStrings() throws Exception {
        Path pw = dir.resolve("pw.txt");
        Files.writeString(pw, "s3cr3t-file\n");
        ValidationErrors errors = new ValidationErrors();
        JsonNode tree = resolve("{\"a\":{\"url\":\"postgres://u:${env:PG_PASS}@h/db\",\"list\":[\"${file:" + pw + "}\"]}}",
                Map.of("PG_PASS", "s3cr3t-env"), errors);
        assertThat(errors.list()).isEmpty();
        assertThat(tree.at("/a/url").asText()).isEqualTo("postgres://u:s3cr3t-env@h/db");
        assertThat(tree.at("/a/list/0").asText()).isEqualTo("s3cr3t-file");
        assertThat(masker.mask("x s3cr3t-env y s3cr3t-file")).isEqualTo("x ****** y ******");
    }

    @Test
    void insertFieldPlaceholdersAreLeftAlone() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        JsonNode tree = resolve("{\"f\":\"${metadata.topic}-${now}\"}", Map.of(), errors);
        assertThat(errors.list()).isEmpty();
        assertThat(tree.get("f").asText()).isEqualTo("${metadata.topic}-${now}");
    }

    @Test
    void secretRefReadsKubernetesSecretLayoutAndOverridesLiteral() throws Exception {
        Files.createDirectories(dir.resolve("secrets/pg-conn"));
        Files.writeString(dir.resolve("secrets/pg-conn/dsn"), "postgres://app:hunter22@pg/db");
        ValidationErrors errors = new ValidationErrors();
        JsonNode tree = resolve("{\"sink\":{\"config\":{\"connectionString\":\"literal\","
                + "\"connectionStringSecretRef\":{\"name\":\"pg-conn\",\"key\":\"dsn\"}}}}", Map.of(), errors);
        assertThat(errors.list()).isEmpty();
        assertThat(tree.at("/sink/config/connectionString").asText()).isEqualTo("postgres://app:hunter22@pg/db");
        assertThat(masker.mask("dsn=postgres://app:hunter22@pg/db")).doesNotContain("hunter22");
    }

    @Test
    void unresolvableReferencesAreErrorsNamingTheField() throws Exception {
        ValidationErrors errors = new ValidationErrors();
        resolve("{\"source\":{\"config\":{\"brokers\":\"${env:NOPE}\",\"passwordSecretRef\":{\"name\":\"missing\",\"key\":\"pw\"},"
                + "\"tokenSecretRef\":{\"name\":\"x\"},\"caFile\":\"${file:/does/not/exist}\",\"userSecretRef\":{\"name\":\"../etc\",\"key\":\"passwd\"}}}}",
                Map.of(), errors);
        assertThat(errors.list()).extracting(ValidationErrors.Error::toString).containsExactlyInAnyOrder(
                "source.config.brokers: environment variable NOPE is not set",
                "source.config.passwordSecretRef: secret missing/pw (looked for " + dir.resolve("secrets/missing/pw") + ") cannot be read",
                "source.config.tokenSecretRef.key: required",
                "source.config.caFile: file /does/not/exist cannot be read",
                "source.config.userSecretRef: name and key must not contain '/' or '..'");
    }

    @Test
    void secretsDirPrecedence() {
        assertThat(SecretResolver.secretsDir("/flag", k -> "/env")).isEqualTo(Path.of("/flag"));
        assertThat(SecretResolver.secretsDir(null, k -> "/env")).isEqualTo(Path.of("/env"));
        assertThat(SecretResolver.secretsDir(null, k -> null)).isEqualTo(Path.of("/etc/dataflow/secrets"));
    }

    @Test
    void maskerHidesEmbeddedPasswordsWithoutKnowingThem() {
        assertThat(SecretMasker.maskEmbeddedPasswords("postgres://app:pa%40ss@db:5432/x?sslmode=disable"))
                .isEqualTo("postgres://app:******@db:5432/x?sslmode=disable");
        assertThat(SecretMasker.maskEmbeddedPasswords("host=db user=app password='it\\'s secret' dbname=x"))
                .doesNotContain("secret").contains("password=******");
        assertThat(SecretMasker.maskEmbeddedPasswords("host=db password=plain dbname=x")).isEqualTo("host=db password=****** dbname=x");
        assertThat(SecretMasker.maskEmbeddedPasswords("http://host:8080/path")).isEqualTo("http://host:8080/path");
    }
}
