package io.pgrealtime.gateway.auth;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/** Keys, hand-forged tokens and refusal assertions shared by the verifier tests. */
final class Tokens {
    static final String SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

    private Tokens() {
    }

    /** A fresh RSA (2048 unless {@code bits} says otherwise) or P-256/P-384 key pair. */
    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public half as a JWK with this {@code kid} (null for none). */
    static RSAKey rsaJwk(KeyPair kp, String kid) {
        return new RSAKey.Builder((RSAPublicKey) kp.getPublic()).keyID(kid).build();
    }

    static ECKey ecJwk(KeyPair kp, String kid) {
        ECPublicKey pub = (ECPublicKey) kp.getPublic();
        return new ECKey.Builder(Curve.forECParameterSpec(pub.getParams()), pub).keyID(kid).build();
    }

    /** A fixed key source holding these public keys. */
    static JWKSource<SecurityContext> jwks(JWK... keys) {
        return new ImmutableJWKSet<>(new JWKSet(List.of(keys)));
    }

    static String b64(String json) {
        return b64(json.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A token with exactly this header and payload JSON, HMAC-SHA256-signed with {@code secret}. */
    static String forge(String headerJson, String payloadJson, byte[] secret) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String forge(String headerJson, String payloadJson) {
        return forge(headerJson, payloadJson, SECRET.getBytes(StandardCharsets.UTF_8));
    }

    /** PEM text of a public key: what an attacker would use as an HMAC secret in a confusion attack. */
    static String pem(java.security.PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** Asserts the token is refused without echoing it or the secret, and returns the refusal. */
    static AuthException refused(TokenVerifier v, String token) {
        AuthException e = null;
        try {
            v.verify(token);
        } catch (AuthException refused) {
            e = refused;
        }
        assertThat(e).as("token should be refused").isNotNull();
        if (token != null && token.length() > 3) {
            assertThat(e.getMessage()).doesNotContain(token);
            for (String part : token.split("\\.")) {
                if (part.length() > 8) {
                    assertThat(e.getMessage()).doesNotContain(part);
                }
            }
        }
        assertThat(e.getMessage()).doesNotContain(SECRET);
        assertThat(e.getStackTrace()).isEmpty();
        return e;
    }

    /** Asserts an UNAUTHORIZED refusal and returns its message. */
    static String unauthorized(TokenVerifier v, String token) {
        AuthException e = refused(v, token);
        assertThat(e.code()).as(e.getMessage()).isEqualTo(AuthException.Code.UNAUTHORIZED);
        return e.getMessage();
    }
}
