package io.dataflow.flink.connector.kafka;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * A client certificate (PEM chain) and its private key (PEM: PKCS#8, or PKCS#1 RSA through {@link PemPrivateKey}) as
 * JSSE key managers, for mutual TLS of the JDK's HTTP client (the schema registry). The Kafka clients take PEM
 * themselves; the JDK's HTTP client needs a key store.
 */
final class PemKeyManagers {

    private static final char[] IN_MEMORY_PASSWORD = new char[0];

    private PemKeyManagers() {
    }

    /**
     * @param where names the key's field in error messages (never the key itself)
     * @throws IllegalArgumentException when the certificate or key cannot be read
     */
    static KeyManager[] of(String certificatePem, String keyPem, String where) throws GeneralSecurityException {
        Collection<? extends Certificate> chain = java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.UTF_8)));
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(where + ": the client certificate holds no PEM certificate");
        }
        PrivateKey key = privateKey(PemPrivateKey.toPkcs8(keyPem, where), chain.iterator().next().getPublicKey().getAlgorithm(), where);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create an in-memory key store", e);
        }
        store.setKeyEntry("client", key, IN_MEMORY_PASSWORD, chain.toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, IN_MEMORY_PASSWORD);
        return factory.getKeyManagers();
    }

    /** The key of a PKCS#8 PEM, of the certificate's algorithm (RSA, EC, ...). */
    private static PrivateKey privateKey(String pkcs8Pem, String algorithm, String where) throws GeneralSecurityException {
        if (pkcs8Pem.contains("ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException(where + ": encrypted private keys are not supported; decrypt it with: "
                    + "openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        String body = pkcs8Pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
    }
}
