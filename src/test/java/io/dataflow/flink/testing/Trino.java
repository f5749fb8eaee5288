package io.dataflow.flink.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Helpers for tests against the Trino started by {@link RealServersExtension} (catalogs {@code memory} and
 * {@code lake}, the Iceberg connector on a local warehouse). Plain trino-jdbc, so what a test reads back does not
 * go through the connector's code. The same Trino also serves HTTPS with JWT authentication (scripts/servers/
 * trino-start.sh): {@link #httpsUrl()}, trusted through {@link #certificatePem()} or {@link #trustStore(Path)}.
 */
public final class Trino {

    private Trino() {
    }

    public static int port() {
        return RealServersExtension.port(Server.TRINO);
    }

    /** The manifest's {@code serverURL}. */
    public static String serverUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The manifest's {@code serverURL} of the HTTPS port, where Trino checks Keycloak's tokens. */
    public static String httpsUrl() throws IOException {
        Path portFile = dir().resolve("run/https.port");
        if (!Files.exists(portFile)) {
            throw new IllegalStateException("the running Trino has no HTTPS port (" + portFile + " is missing): it was "
                    + "started by an older scripts/servers/trino-start.sh; stop it with trino-stop.sh and rerun");
        }
        return "https://127.0.0.1:" + Files.readString(portFile).strip();
    }

    /** Trino's self-signed certificate (PEM), made once by trino-start.sh. */
    public static Path certificatePem() {
        return dir().resolve("tls/trino-cert.pem");
    }

    /** Writes a PKCS12 trust store holding Trino's certificate, with the given password. */
    public static Path trustStore(Path file, String password) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream pem = Files.newInputStream(certificatePem())) {
            trust.setCertificateEntry("trino", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            trust.store(out, password.toCharArray());
        }
        return file;
    }

    /** trino-start.sh's TRINO_DIR. */
    private static Path dir() {
        String dir = System.getenv("TRINO_DIR");
        return dir != null && !dir.isBlank() ? Path.of(dir) : RealServersExtension.serversBase().resolve("trino");
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:trino://127.0.0.1:" + port() + "/memory/default", "test", null);
    }

    public static void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Every row as a list of {@code getObject} values. */
    public static List<List<Object>> rows(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(meta.getColumnCount());
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    public static long count(String sql) throws SQLException {
        return ((Number) rows(sql).get(0).get(0)).longValue();
    }

    /** A new schema with a unique name in the catalog; answers its name. */
    public static String createSchema(String catalog, String prefix) throws SQLException {
        String schema = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
        execute("CREATE SCHEMA " + catalog + "." + schema);
        return schema;
    }
}
