package io.dataflow.flink.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of the project's layout (README.md#layout), checked on the compiled main classes:
 * cli → manifest → compile → runtime → connector / transform → message, with {@code config} a leaf that all may use.
 */
class ArchitectureTest {

    private static final String[] SYSTEMS = {"kafka", "postgres", "clickhouse", "trino", "iceberg"};

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.dataflow.flink");
    }

    @Test
    void topLevelPackagesHaveNoCycle() {
        slices().matching("io.dataflow.flink.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void connectorPackagesHaveNoCycle() {
        slices().matching("io.dataflow.flink.connector.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void configIsALeaf() {
        noClasses().that().resideInAPackage("io.dataflow.flink.config..")
                .should().dependOnClassesThat(resideInAPackage("io.dataflow.flink..")
                        .and(resideOutsideOfPackage("io.dataflow.flink.config..")))
                .check(classes);
    }

    /** What two systems' connectors share lives in {@code connector} itself, not in one of them. */
    @Test
    void eachSystemsConnectorStaysInItsPackage() {
        for (String system : SYSTEMS) {
            noClasses().that().resideInAPackage("io.dataflow.flink.connector." + system + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(otherSystems(system))
                    .check(classes);
        }
    }

    /**
     * Flink's APIs belong to the layers that build and run the job (runtime, compile, cli, message) and to the metric
     * reporter plugin ({@code metrics}, which Flink loads as a reporter); the rest, connectors and transformations
     * included, is plain Java, with Flink's metric types as the one exception.
     */
    @Test
    void flinkApisStayInTheRuntimeLayers() {
        noClasses().that().resideInAPackage("io.dataflow.flink..")
                .and().resideOutsideOfPackages("io.dataflow.flink.runtime..", "io.dataflow.flink.compile..",
                        "io.dataflow.flink.cli..", "io.dataflow.flink.message..", "io.dataflow.flink.metrics..")
                .should().dependOnClassesThat(resideInAPackage("org.apache.flink..")
                        .and(not(resideInAPackage("org.apache.flink.metrics.."))))
                .check(classes);
    }

    private static String[] otherSystems(String system) {
        return Stream.of(SYSTEMS)
                .filter(s -> !s.equals(system)).map(s -> "io.dataflow.flink.connector." + s + "..").toArray(String[]::new);
    }
}
