package io.dataflow.flink.connector.iceberg;

import org.apache.iceberg.rest.RESTCatalog;

import java.io.IOException;

/**
 * Opens Iceberg's {@link RESTCatalog}. Its initialization is the original's preflight: {@code GET /v1/config}
 * (with {@code ?warehouse=}), after fetching an OAuth2 token when client credentials are configured; a failure
 * names the catalog URI and carries the server's message, never the credentials.
 */
public final class IcebergRestCatalogs {

    private IcebergRestCatalogs() {
    }

    public static RESTCatalog open(IcebergRestSettings settings) throws IOException {
        if (settings.s3().isPresent()) {
            settings.s3().get().checkCredentials();
        }
        RESTCatalog catalog = new RESTCatalog();
        catalog.setConf(IcebergHadoop.configuration());
        try {
            catalog.initialize("iceberg", settings.catalogProperties());
        } catch (RuntimeException e) {
            try {
                catalog.close();
            } catch (IOException | RuntimeException ignored) {
                // the catalog never opened
            }
            throw new IOException("Iceberg REST catalog " + settings.catalogUri() + " (config.catalogURI, auth "
                    + settings.auth() + ") could not be opened: " + e.getMessage(), e);
        }
        return catalog;
    }
}
