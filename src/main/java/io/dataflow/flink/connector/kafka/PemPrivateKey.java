package io.dataflow.flink.connector.kafka;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings a PEM private key into the one form the Kafka Java client reads: PKCS#8 ({@code BEGIN PRIVATE KEY}).
 * Go's TLS stack (the original) also takes PKCS#1 RSA keys ({@code BEGIN RSA PRIVATE KEY}), which cert-manager and
 * {@code openssl genrsa} often write, so those are wrapped into PKCS#8 here instead of failing at connect time.
 */
final class PemPrivateKey {

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

    /** DER of the PKCS#8 AlgorithmIdentifier for rsaEncryption (OID 1.2.840.113549.1.1.1, NULL parameters). */
    private static final byte[] RSA_ALGORITHM = {
            0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private PemPrivateKey() {
    }

    /**
     * The key as PKCS#8 PEM.
     *
     * @param where names the field for error messages (never the key itself)
     * @throws IllegalArgumentException when there is no supported key in the text
     */
    static String toPkcs8(String pem, String where) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            switch (type) {
                case "PRIVATE KEY":
                case "ENCRYPTED PRIVATE KEY":
                    return m.group(0);
                case "RSA PRIVATE KEY":
                    return pem("PRIVATE KEY", wrapRsa(Base64.getMimeDecoder().decode(m.group(2))));
                case "EC PRIVATE KEY":
                    throw new IllegalArgumentException(where + ": EC keys in SEC1 form are not supported by the Kafka client; "
                            + "convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
                default:
                    // a certificate in the same file: keep looking for the key
            }
        }
        throw new IllegalArgumentException(where + ": no PEM private key found (expected BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)");
    }

    /** PKCS#8 PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, algorithm, privateKey OCTET STRING (the PKCS#1 key) }. */
    static byte[] wrapRsa(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[]{0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.writeBytes(der(0x04, pkcs1));
        return der(0x30, body.toByteArray());
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write((length >>> (8 * i)) & 0xff);
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
