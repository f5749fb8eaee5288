package io.dataflow.flink.connector;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The refusal reasons every sink's schemaEvolution gives: the same words for the same need, whichever the sink. */
class SchemaEvolutionTest {

    @Test
    void failNamesTheFieldAndWhatItNeeds() {
        assertThat(SchemaEvolution.FAIL.notAColumn("note", "db.t"))
                .isEqualTo("field note is not a column of db.t (schemaEvolution: fail)");
        assertThat(SchemaEvolution.FAIL.doesNotFit("qty", "integer", "db.t", "bigint"))
                .isEqualTo("field qty does not fit column type integer of db.t, it needs bigint (schemaEvolution: fail)");
        assertThat(SchemaEvolution.FAIL.doesNotFit("qty", "Int32", "db.t", null))
                .isEqualTo("field qty does not fit column type Int32 of db.t and no wider type holds it (schemaEvolution: fail)");
    }

    @Test
    void aFailedAlterSaysWhatItWasToDoAndWhyItFailed() {
        assertThat(SchemaEvolution.EVOLVE.addingOrWideningFailed("note", null, "db.t", "varchar", "no such catalog"))
                .isEqualTo("field note is not a column of db.t; adding it failed: no such catalog (schemaEvolution: evolve)");
        assertThat(SchemaEvolution.EVOLVE.addingOrWideningFailed("qty", "integer", "db.t", "bigint", "not supported"))
                .isEqualTo("field qty does not fit column type integer of db.t, it needs bigint; widening it failed:"
                        + " not supported (schemaEvolution: evolve)");
    }
}
