package io.dataflow.flink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.util.List;

/** Validates JSON trees against a JSON Schema (networknt) and returns the errors as readable lines. */
public final class JsonSchemas {

    private final Schema schema;

    private JsonSchemas(Schema schema) {
        this.schema = schema;
    }

    /** A draft-07 schema, the draft docs/manifest.schema.json and the Kubernetes CRD schemas are read as. */
    public static JsonSchemas draft7(JsonNode schema) {
        return new JsonSchemas(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(schema));
    }

    /** Every violation as "{@code <instance path>: <message>}"; empty when the document is valid. */
    public List<String> errors(JsonNode document) {
        List<Error> errors = schema.validate(document);
        return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    }
}
