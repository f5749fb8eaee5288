package io.dataflow.flink.connector.kafka;

import org.apache.kafka.common.security.auth.SecurityProviderCreator;

import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactorySpi;
import javax.net.ssl.X509TrustManager;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.X509Certificate;

/**
 * {@code tls.insecureSkipVerify} for the Kafka Java client, which has no such switch: Kafka installs this
 * provider (config {@code security.providers}) and, with {@code ssl.trustmanager.algorithm=}{@value #ALGORITHM},
 * builds its SSL context with a trust manager that accepts every certificate. The provider offers only that one
 * algorithm name, so nothing else in the JVM picks it up by accident.
 */
public final class TrustAllProviderCreator implements SecurityProviderCreator {

    public static final String ALGORITHM = "DataflowTrustAll";

    private static final Provider PROVIDER = new TrustAllProvider();

    @Override
    public Provider getProvider() {
        return PROVIDER;
    }

    static final class TrustAllProvider extends Provider {
        private static final long serialVersionUID = 1L;

        TrustAllProvider() {
            super("DataflowTrustAllProvider", "1.0", "Trust manager that accepts any certificate (tls.insecureSkipVerify)");
            put("TrustManagerFactory." + ALGORITHM, TrustAllFactory.class.getName());
        }
    }

    /** Instantiated by the JCA through the provider entry above; needs a public no-argument constructor. */
    public static final class TrustAllFactory extends TrustManagerFactorySpi {
        @Override
        protected void engineInit(KeyStore ks) {
        }

        @Override
        protected void engineInit(ManagerFactoryParameters spec) {
        }

        @Override
        protected TrustManager[] engineGetTrustManagers() {
            return new TrustManager[]{new TrustAll()};
        }
    }

    static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
