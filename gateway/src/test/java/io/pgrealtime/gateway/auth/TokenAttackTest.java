package io.pgrealtime.gateway.auth;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.pgrealtime.gateway.auth.Tokens.SECRET;
import static io.pgrealtime.gateway.auth.Tokens.b64;
import static io.pgrealtime.gateway.auth.Tokens.forge;
import static io.pgrealtime.gateway.auth.Tokens.refused;
import static io.pgrealtime.gateway.auth.Tokens.unauthorized;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JWT attack matrix, at the verifier: every forged, altered or unsuitable token is refused
 * UNAUTHORIZED (TOKEN_EXPIRED only for a genuine, expired one) without echoing the token. Keys: an
 * HS256 secret plus a JWKS of one RSA and one P-256 key (and an {@code oct} key that must never be
 * used), as with both {@code JWT_SECRET} and {@code JWKS_URL} set.
 */
class TokenAttackTest {
    private static final Instant NOW = Instant.parse("2026-01-09T10:30:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final KeyPair RSA = Tokens.rsa(2048);
    private static final KeyPair EC = Tokens.ec("secp256r1");
    private static final KeyPair ATTACKER = Tokens.rsa(2048);
    private static final byte[] JWKS_OCT_SECRET = "an-oct-key-published-in-the-jwks-32b!".getBytes(StandardCharsets.UTF_8);
    private static final OctetSequenceKey OCT = new OctetSequenceKey.Builder(JWKS_OCT_SECRET).keyID("oct-1").build();

    private final NimbusTokenVerifier both = NimbusTokenVerifier.builder().hmacSecret(SECRET).clock(CLOCK)
            .keySource(Tokens.jwks(Tokens.rsaJwk(RSA, "rsa-1"), Tokens.ecJwk(EC, "ec-1"), OCT))
            .issuers(List.of("https://auth.example")).audiences(List.of("realtime")).build();
    private final NimbusTokenVerifier jwksOnly = NimbusTokenVerifier.builder().clock(CLOCK)
            .keySource(Tokens.jwks(Tokens.rsaJwk(RSA, "rsa-1"), Tokens.ecJwk(EC, "ec-1"), OCT)).build();
    private final NimbusTokenVerifier secretOnly = NimbusTokenVerifier.builder().hmacSecret(SECRET).clock(CLOCK).build();

    private final JwtIssuer hs = JwtIssuer.hs256(SECRET).withClock(CLOCK);
    private final JwtIssuer rs = JwtIssuer.rs256(RSA.getPrivate()).withKeyId("rsa-1").withClock(CLOCK);
    private final JwtIssuer es = JwtIssuer.es256(EC.getPrivate()).withKeyId("ec-1").withClock(CLOCK);

    private String good(JwtIssuer issuer) {
        return issuer.token().subject("u1").role("user").issuer("https://auth.example").audience("realtime").sign();
    }

    private static String payload() {
        return "{\"sub\":\"u1\",\"role\":\"admin\",\"iss\":\"https://auth.example\",\"aud\":\"realtime\",\"exp\":"
                + NOW.plusSeconds(600).getEpochSecond() + "}";
    }

    @Test
    void genuineTokensOfEveryConfiguredKindAreAccepted() {
        assertThat(both.verify(good(hs)).userId()).isEqualTo("u1");
        assertThat(both.verify(good(rs)).userId()).isEqualTo("u1");
        assertThat(both.verify(good(es)).userId()).isEqualTo("u1");
    }

    @Test
    void algNoneIsRefused() {
        String p = b64(payload());
        assertThat(unauthorized(both, b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + p + ".")).isEqualTo("Malformed token");
        for (String alg : List.of("none", "None", "NONE", "nOnE")) {
            assertThat(unauthorized(both, b64("{\"alg\":\"" + alg + "\"}") + "." + p + "." + b64("x")))
                    .isEqualTo("Token algorithm is not accepted");
        }
        assertThat(unauthorized(both, b64("{\"typ\":\"JWT\"}") + "." + p + "." + b64("x"))).isEqualTo("Malformed token header");
        assertThat(both.algorithms()).noneMatch(a -> a.getName().equalsIgnoreCase("none"));
    }

    @Test
    void hmacSignedWithThePublicKeyIsRefused() {
        // The classic confusion attack: the RSA public key (PEM, DER or JWK text) used as the HMAC secret.
        RSAPublicKey pub = (RSAPublicKey) RSA.getPublic();
        List<byte[]> secrets = List.of(Tokens.pem(pub).getBytes(StandardCharsets.US_ASCII), pub.getEncoded(),
                Tokens.rsaJwk(RSA, "rsa-1").toJSONString().getBytes(StandardCharsets.UTF_8));
        for (byte[] publicKeyAsSecret : secrets) {
            for (String header : List.of("{\"alg\":\"HS256\"}", "{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}")) {
                String forged = forge(header, payload(), publicKeyAsSecret);
                assertThat(unauthorized(jwksOnly, forged)).isEqualTo("Token algorithm is not accepted");
                assertThat(unauthorized(both, forged)).isEqualTo("Invalid token signature");
            }
        }
    }

    @Test
    void hmacTokensNeverUseJwksKeysAndAsymmetricTokensNeverUseTheSecret() {
        // An HS256 token signed with an oct key the JWKS publishes, naming it by kid.
        String withJwksSecret = forge("{\"alg\":\"HS256\",\"kid\":\"oct-1\"}", payload(), JWKS_OCT_SECRET);
        assertThat(unauthorized(jwksOnly, withJwksSecret)).isEqualTo("Token algorithm is not accepted");
        assertThat(unauthorized(both, withJwksSecret)).isEqualTo("Invalid token signature");
        // An "RS256" token whose signature is an HMAC with the secret.
        String rsWithSecret = forge("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", payload(), SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(unauthorized(secretOnly, rsWithSecret)).isEqualTo("Token algorithm is not accepted");
        assertThat(unauthorized(both, rsWithSecret)).isEqualTo("Invalid token signature");
        // A genuine RS256 token with only the secret configured.
        assertThat(unauthorized(secretOnly, good(rs))).isEqualTo("Token algorithm is not accepted");
    }

    @Test
    void wrongKeyIsRefused() {
        String otherSecret = JwtIssuer.hs256("another-secret-that-is-also-32-bytes-or-more").withClock(CLOCK)
                .token().subject("u1").sign();
        assertThat(unauthorized(both, otherSecret)).isEqualTo("Invalid token signature");
        JwtIssuer attacker = JwtIssuer.rs256(ATTACKER.getPrivate()).withClock(CLOCK);
        assertThat(unauthorized(both, good(attacker.withKeyId("rsa-1")))).isEqualTo("Invalid token signature");
        assertThat(unauthorized(both, good(attacker))).isEqualTo("Invalid token signature");
        assertThat(unauthorized(both, good(attacker.withKeyId("attacker")))).isEqualTo("No key matches the token");
        assertThat(unauthorized(both, good(attacker.withKeyId("../../../../dev/null")))).isEqualTo("No key matches the token");
        // Right key, wrong kid: an EC kid for an RSA token matches no key of that type.
        assertThat(unauthorized(both, good(rs.withKeyId("ec-1")))).isEqualTo("No key matches the token");
    }

    @Test
    void embeddedOrReferencedKeysInTheHeaderAreIgnored() {
        // CVE-2018-0114 style: the token carries the attacker's public key (jwk) or a URL to it (jku, x5u).
        RSAKey attackerJwk = Tokens.rsaJwk(ATTACKER, null);
        JwtIssuer attacker = JwtIssuer.of(JWSAlgorithm.RS256, new RSASSASigner(ATTACKER.getPrivate())).withClock(CLOCK);
        Map<String, Object> claims = Map.of("sub", "u1", "iss", "https://auth.example", "aud", "realtime",
                "exp", NOW.plusSeconds(600).getEpochSecond());
        String embedded = attacker.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).jwk(attackerJwk).build(), claims);
        String referenced = attacker.sign(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .jwkURL(URI.create("https://attacker.example/jwks.json")).x509CertURL(URI.create("https://attacker.example/c")).build(), claims);
        assertThat(unauthorized(both, embedded)).isEqualTo("Invalid token signature");
        assertThat(unauthorized(both, referenced)).isEqualTo("Invalid token signature");
    }

    @Test
    void tamperedPayloadOrHeaderIsRefused() {
        for (String token : List.of(good(hs), good(rs), good(es))) {
            String[] p = token.split("\\.");
            assertThat(unauthorized(both, p[0] + "." + b64(payload()) + "." + p[2])).isEqualTo("Invalid token signature");
        }
        String[] p = good(rs).split("\\.");
        String rs512 = b64("{\"alg\":\"RS512\",\"kid\":\"rsa-1\"}");
        assertThat(unauthorized(both, rs512 + "." + p[1] + "." + p[2])).isEqualTo("Invalid token signature");
        // Signatures swapped between algorithms.
        String[] e = good(es).split("\\.");
        unauthorized(both, p[0] + "." + p[1] + "." + e[2]);
        unauthorized(both, e[0] + "." + e[1] + "." + p[2]);
    }

    @Test
    void strippedOrBrokenSignatureIsRefused() {
        for (String token : List.of(good(hs), good(rs), good(es))) {
            String[] p = token.split("\\.");
            assertThat(unauthorized(both, p[0] + "." + p[1] + ".")).isEqualTo("Malformed token");
            assertThat(unauthorized(both, p[0] + "." + p[1])).isEqualTo("Malformed token");
            assertThat(unauthorized(both, p[0] + "." + p[1] + "." + b64("x"))).isIn("Invalid token signature");
        }
        // "Psychic signature" (CVE-2022-21449): r = s = 0.
        String[] e = good(es).split("\\.");
        assertThat(unauthorized(both, e[0] + "." + e[1] + "." + b64(new byte[64]))).isEqualTo("Invalid token signature");
        // Non-canonical base64url: the last character of a 32-byte HMAC carries 2 bits that must be zero.
        String token = good(hs);
        char last = token.charAt(token.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        String variant = token.substring(0, token.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
        assertThat(unauthorized(both, variant)).isEqualTo("Malformed token signature");
        assertThat(unauthorized(both, token + "=")).isEqualTo("Malformed token");
    }

    @Test
    void claimsAttacksWithAGenuineSignature() {
        assertThat(refused(both, rs.token().subject("u1").issuer("https://auth.example").audience("realtime")
                .expiresAt(NOW.minusSeconds(60)).sign()).code()).isEqualTo(AuthException.Code.TOKEN_EXPIRED);
        assertThat(unauthorized(both, rs.token().subject("u1").issuer("https://auth.example").audience("realtime")
                .notBefore(NOW.plusSeconds(600)).sign())).isEqualTo("Token is not yet valid");
        assertThat(unauthorized(both, rs.token().subject("u1").issuer("https://evil.example").audience("realtime").sign()))
                .isEqualTo("Token issuer is not accepted");
        assertThat(unauthorized(both, es.token().subject("u1").issuer("https://auth.example").audience("other").sign()))
                .isEqualTo("Token audience is not accepted");
        assertThat(unauthorized(both, rs.token().subject("u1").issuer("https://auth.example").audience("realtime")
                .claim("exp", null).sign())).isEqualTo("Token has no expiry");
        assertThat(unauthorized(both, es.token().subject("u1").issuer("https://auth.example").audience("realtime")
                .expiresIn(Duration.ofDays(365)).sign())).isEqualTo("Token lifetime exceeds the maximum");
    }

    @Test
    void oversizedTokensAreRefusedBeforeParsing() {
        String big = rs.token().subject("u1").issuer("https://auth.example").audience("realtime")
                .claim("padding", "x".repeat(NimbusTokenVerifier.MAX_TOKEN_CHARS)).sign();
        assertThat(unauthorized(both, big)).isEqualTo("Token is too large");
        assertThat(unauthorized(both, "a".repeat(NimbusTokenVerifier.MAX_TOKEN_CHARS + 1))).isEqualTo("Token is too large");
        assertThat(unauthorized(both, "a".repeat(NimbusTokenVerifier.MAX_TOKEN_CHARS))).isEqualTo("Malformed token");
    }

    @Test
    void garbageIsUnauthorized() {
        String good = good(hs);
        List<String> garbage = Arrays.asList(null, "", "   ", "abc", "a.b", "a.b.c", "..", "...", "....", "not-a-jwt",
                "aaa.bbb.ccc", "eyJ.eyJ.sig", "{\"alg\":\"HS256\"}", "Bearer " + good, good + " ", " " + good, good + "\n",
                good + ".extra", "." + good.substring(good.indexOf('.')), "ü.ü.ü", "\u0000.\u0000.\u0000",
                b64("{}") + "." + b64("{}") + "." + b64("x"), b64("[]") + "." + b64("{}") + "." + b64("x"),
                b64("null") + "." + b64("{}") + "." + b64("x"), b64(new byte[] {(byte) 0xff, 0, 1}) + "." + b64("{}") + "." + b64("x"));
        for (String g : garbage) {
            unauthorized(both, g);
        }
        String[] p = good.split("\\.");
        assertThat(unauthorized(both, p[0] + "+." + p[1] + "." + p[2])).isEqualTo("Malformed token");
        assertThat(unauthorized(both, p[0] + "." + p[1] + "/." + p[2])).isEqualTo("Malformed token");
        assertThat(unauthorized(both, forge("not json", payload()))).isEqualTo("Malformed token header");
        assertThat(unauthorized(both, forge("[\"HS256\"]", payload()))).isEqualTo("Malformed token header");
        assertThat(unauthorized(both, forge("{\"alg\":7}", payload()))).isEqualTo("Malformed token header");
        assertThat(unauthorized(both, forge("{\"alg\":\"HS256\"} {}", payload()))).isEqualTo("Malformed token header");
        unauthorized(both, forge("{\"alg\":\"HS256\",\"alg\":\"none\"}", payload()));
        unauthorized(both, forge("{\"alg\":\"none\",\"alg\":\"HS256\"}", payload()));
        assertThat(unauthorized(both, forge("{\"alg\":\"HS256\"}", "{\"sub\":"))).isEqualTo("Malformed token payload");
        assertThat(unauthorized(both, forge("{\"alg\":\"HS256\"}", "\"just a string\""))).isEqualTo("Malformed token payload");
        unauthorized(both, forge("{\"alg\":\"HS256\"}", "{\"sub\":\"a\",\"sub\":\"b\",\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + "}"));
    }

    @Test
    void criticalHeadersAreRefused() {
        assertThat(unauthorized(both, forge("{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", payload())))
                .isEqualTo("Unsupported token header");
        assertThat(unauthorized(both, forge("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", payload())))
                .isEqualTo("Unsupported token header");
        assertThat(unauthorized(both, forge("{\"alg\":\"HS256\",\"crit\":[]}", payload()))).isEqualTo("Unsupported token header");
        String rsCrit = rs.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").criticalParams(Set.of("http://x/y"))
                .customParam("http://x/y", true).build(), Map.of("sub", "u1", "iss", "https://auth.example", "aud", "realtime",
                "exp", NOW.plusSeconds(600).getEpochSecond()));
        assertThat(unauthorized(both, rsCrit)).isEqualTo("Unsupported token header");
    }

    @Test
    void encryptedTokensAreRefused() throws Exception {
        Payload claims = new Payload(payload());
        JWEObject direct = new JWEObject(new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM), claims);
        direct.encrypt(new DirectEncrypter(SECRET.substring(0, 32).getBytes(StandardCharsets.UTF_8)));
        assertThat(unauthorized(both, direct.serialize())).isEqualTo("Encrypted tokens are not accepted");
        // Anyone can encrypt to the public key in the JWKS: that proves nothing about the sender.
        JWEObject toPublicKey = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A128GCM)
                .keyID("rsa-1").build(), claims);
        toPublicKey.encrypt(new RSAEncrypter((RSAPublicKey) RSA.getPublic()));
        assertThat(unauthorized(both, toPublicKey.serialize())).isEqualTo("Encrypted tokens are not accepted");
        assertThat(unauthorized(jwksOnly, toPublicKey.serialize())).isEqualTo("Encrypted tokens are not accepted");
    }

    @Test
    void weakOrUnsuitableJwksKeysAreNotUsed() {
        KeyPair weak = Tokens.rsa(1024);
        JwtIssuer weakIssuer = JwtIssuer.of(JWSAlgorithm.RS256, new RSASSASigner(weak.getPrivate(), true)).withKeyId("weak").withClock(CLOCK);
        NimbusTokenVerifier v = NimbusTokenVerifier.builder().clock(CLOCK).keySource(Tokens.jwks(
                Tokens.rsaJwk(weak, "weak"),
                new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).keyID("enc").keyUse(com.nimbusds.jose.jwk.KeyUse.ENCRYPTION).build(),
                new RSAKey.Builder((RSAPublicKey) RSA.getPublic()).keyID("rs384-only").algorithm(JWSAlgorithm.RS384).build())).build();
        assertThat(unauthorized(v, weakIssuer.token().subject("u").sign())).isEqualTo("No key matches the token");
        assertThat(unauthorized(v, rs.withKeyId("enc").token().subject("u").sign())).isEqualTo("No key matches the token");
        assertThat(unauthorized(v, rs.withKeyId("rs384-only").token().subject("u").sign())).isEqualTo("No key matches the token");
        JwtIssuer rs384 = JwtIssuer.of(JWSAlgorithm.RS384, new RSASSASigner(RSA.getPrivate())).withKeyId("rs384-only").withClock(CLOCK);
        assertThat(v.verify(rs384.token().subject("u").sign()).userId()).isEqualTo("u");
    }

    @Test
    void aTokenWithoutKidIsTriedAgainstEveryKeyOfItsType() {
        KeyPair second = Tokens.rsa(2048);
        NimbusTokenVerifier v = NimbusTokenVerifier.builder().clock(CLOCK)
                .keySource(Tokens.jwks(Tokens.rsaJwk(RSA, "k1"), Tokens.rsaJwk(second, "k2"))).build();
        JwtIssuer bySecond = JwtIssuer.rs256(second.getPrivate()).withClock(CLOCK);
        assertThat(v.verify(bySecond.withKeyId("k2").token().subject("u").sign()).userId()).isEqualTo("u");
        assertThat(v.verify(bySecond.token().subject("u").sign()).userId()).isEqualTo("u");
        assertThat(unauthorized(v, bySecond.withKeyId("k1").token().subject("u").sign())).isEqualTo("Invalid token signature");
    }
}
