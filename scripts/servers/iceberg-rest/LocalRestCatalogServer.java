import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Apache Iceberg's reference REST catalog (RESTCatalogAdapter + RESTCatalogServlet from iceberg-core's tests, the
 * code behind iceberg-open-api's RESTCatalogServer and the apache/iceberg-rest-fixture image) on 127.0.0.1 only (the
 * fixture binds every interface), backed by a JdbcCatalog on in-memory SQLite with a local warehouse, and with a
 * small authentication check so that tests can tell credentials are really sent: every request except the OAuth2
 * token endpoint needs one of
 *   Authorization: Bearer dataflow-test-token
 *   Authorization: Bearer client-credentials-token:sub=dataflow-test-client   (what the adapter's token endpoint
 *                                                                              issues to client id dataflow-test-client)
 *   Authorization: Basic base64(dataflow:dataflow-test-password)
 * Catalogs with several tenants put a prefix in their paths (/v1/{prefix}/namespaces/…, the client's `prefix`); the
 * reference adapter routes only /v1/namespaces/…, so a prefix segment is dropped here: the one catalog answers under
 * any prefix, as a single-tenant server would.
 * Usage: java -cp "lib/*" LocalRestCatalogServer.java PORT WAREHOUSE_URI
 * An s3:// warehouse is written with Iceberg's S3FileIO (iceberg-aws and the AWS SDK on the class path), configured from
 * the environment: ICEBERG_REST_S3_ENDPOINT (path-style), ICEBERG_REST_S3_REGION, ICEBERG_REST_S3_ACCESS_KEY,
 * ICEBERG_REST_S3_SECRET_KEY.
 */
public class LocalRestCatalogServer {

    static final Set<String> ACCEPTED = Set.of(
            "Bearer dataflow-test-token",
            "Bearer client-credentials-token:sub=dataflow-test-client",
            "Basic " + Base64.getEncoder().encodeToString("dataflow:dataflow-test-password".getBytes(StandardCharsets.UTF_8)));

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Map<String, String> properties = new java.util.HashMap<>(Map.of(
                "catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog",
                "uri", "jdbc:sqlite::memory:",
                // one connection: every JDBC connection to ":memory:" is a database of its own, so a second pooled
                // connection (opened when two requests overlap) saw no tables and failed with "Failed to get table"
                "clients", "1",
                "jdbc.schema-version", "V1",
                "warehouse", args[1]));
        if (args[1].startsWith("s3://")) {
            properties.putAll(Map.of(
                    "io-impl", "org.apache.iceberg.aws.s3.S3FileIO",
                    // Iceberg's S3-only client factory (the default one needs the STS module too)
                    "s3.client-factory-impl", "org.apache.iceberg.aws.s3.DefaultS3FileIOAwsClientFactory",
                    "http-client.type", "urlconnection",
                    "s3.endpoint", System.getenv("ICEBERG_REST_S3_ENDPOINT"),
                    "s3.path-style-access", "true",
                    "client.region", System.getenv("ICEBERG_REST_S3_REGION"),
                    "s3.access-key-id", System.getenv("ICEBERG_REST_S3_ACCESS_KEY"),
                    "s3.secret-access-key", System.getenv("ICEBERG_REST_S3_SECRET_KEY")));
        }
        Catalog catalog = CatalogUtil.buildIcebergCatalog("rest_backend", properties, new org.apache.hadoop.conf.Configuration());
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.addServlet(new ServletHolder(new RESTCatalogServlet(new RESTCatalogAdapter(catalog))), "/*");
        context.addFilter(new FilterHolder(new AuthFilter()), "/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(context);
        server.start();
        server.join();
    }

    private static final java.util.regex.Pattern PREFIXED =
            java.util.regex.Pattern.compile("^/v1/(?!namespaces/|namespaces$|config$|oauth/|transactions/)[^/]+(/(namespaces|transactions|tables|views)(/.*)?)$");

    static HttpServletRequest withoutPrefix(HttpServletRequest request) {
        java.util.regex.Matcher m = PREFIXED.matcher(request.getRequestURI());
        if (!m.matches()) {
            return request;
        }
        String uri = "/v1" + m.group(1);
        return new jakarta.servlet.http.HttpServletRequestWrapper(request) {
            @Override
            public String getRequestURI() {
                return uri;
            }
        };
    }

    static final class AuthFilter implements Filter {
        @Override
        public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain) throws java.io.IOException, jakarta.servlet.ServletException {
            HttpServletRequest request = (HttpServletRequest) req;
            String auth = request.getHeader("Authorization");
            if (request.getRequestURI().endsWith("/v1/oauth/tokens") || (auth != null && ACCEPTED.contains(auth))) {
                chain.doFilter(withoutPrefix(request), resp);
                return;
            }
            HttpServletResponse response = (HttpServletResponse) resp;
            response.setStatus(401);
            response.setContentType("application/json");
            response.getWriter().write("{\"error\":{\"message\":\"Not authorized: missing or unknown credentials\","
                    + "\"type\":\"NotAuthorizedException\",\"code\":401}}");
        }
    }
}
