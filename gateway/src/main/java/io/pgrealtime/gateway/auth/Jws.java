package io.pgrealtime.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import javax.crypto.Mac;

/** JWS compact serialization primitives shared by {@link JwtVerifier} and the test suite's {@code JwtIssuer}. */
final class Jws {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Jws() {
    }

    static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /**
     * Strict base64url (RFC 7515 §2): the URL-safe alphabet, no padding, no whitespace.
     *
     * @return the bytes, or null if {@code text} is not valid base64url
     */
    static byte[] decode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return null;
            }
        }
        try {
            return DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] sign(JwtAlgorithm alg, Key key, byte[] input) throws GeneralSecurityException {
        if (alg == JwtAlgorithm.HS256) {
            return hmac(key, input);
        }
        Signature s = Signature.getInstance(alg.jcaName());
        s.initSign((PrivateKey) key);
        s.update(input);
        return s.sign();
    }

    /** Verifies in constant time for HMAC; false (never an exception) for a signature of the wrong shape. */
    static boolean verify(JwtAlgorithm alg, Key key, byte[] input, byte[] signature) {
        try {
            switch (alg) {
                case HS256 -> {
                    return MessageDigest.isEqual(hmac(key, input), signature);
                }
                case ES256 -> {
                    if (signature.length != 64) {
                        return false;
                    }
                }
                case RS256 -> {
                    // Length is checked by the provider (it must equal the modulus size).
                }
            }
            Signature s = Signature.getInstance(alg.jcaName());
            s.initVerify((PublicKey) key);
            s.update(input);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // A malformed signature (bad ECDSA encoding, wrong RSA length) is just a bad signature.
            return false;
        }
    }

    private static byte[] hmac(Key key, byte[] input) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(JwtAlgorithm.HS256.jcaName());
        mac.init(key);
        return mac.doFinal(input);
    }
}
