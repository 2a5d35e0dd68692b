package io.pgrealtime.gateway.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Reads RSA and EC keys from PEM text: {@code -----BEGIN PUBLIC KEY-----} (X.509
 * SubjectPublicKeyInfo, what {@code openssl pkey -pubout} writes) and {@code -----BEGIN PRIVATE KEY-----}
 * (PKCS#8, for the {@code JwtIssuer} of the tests and the dev launcher). Stateless and thread-safe.
 */
public final class PemKeys {
    private PemKeys() {
    }

    /** @throws IllegalArgumentException if the text is not a PEM RSA or EC public key */
    public static PublicKey publicKey(String pem) {
        byte[] der = body(pem, "PUBLIC KEY");
        for (String alg : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("not an RSA or EC public key");
    }

    /** @throws IllegalArgumentException if the text is not a PEM (PKCS#8) RSA or EC private key */
    public static PrivateKey privateKey(String pem) {
        byte[] der = body(pem, "PRIVATE KEY");
        for (String alg : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("not a PKCS#8 RSA or EC private key");
    }

    /** PEM text of a public key, for configuration files and tests. */
    public static String toPem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static byte[] body(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = pem == null ? -1 : pem.indexOf(begin);
        int e = b < 0 ? -1 : pem.indexOf(end, b);
        if (b < 0 || e < 0) {
            throw new IllegalArgumentException("expected a PEM block '" + begin + "'");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("malformed PEM body");
        }
    }
}
