package io.pgrealtime.gateway.auth;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwtVerifierTest {
    private static final String SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";
    private static final Instant NOW = Instant.parse("2026-01-09T10:30:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final KeyPair RSA = keyPair("RSA");
    private static final KeyPair EC = keyPair("EC");

    private final JwtIssuer issuer = JwtIssuer.hs256(SECRET).withClock(CLOCK);
    private final JwtVerifier verifier = JwtVerifier.builder().hs256Secret(SECRET).clock(CLOCK).build();

    private static KeyPair keyPair(String alg) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
            if (alg.equals("EC")) {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                g.initialize(2048);
            }
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A token with exactly this header and payload JSON, HS256-signed with {@code secret}. */
    private static String forge(String headerJson, String payloadJson, byte[] secret) throws Exception {
        String input = b64(headerJson) + "." + b64(payloadJson);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
        return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String validPayload() {
        return "{\"sub\":\"u1\",\"exp\":" + NOW.plusSeconds(3600).getEpochSecond() + "}";
    }

    private AuthException refused(JwtVerifier v, String token) {
        AuthException e = null;
        try {
            v.verify(token);
        } catch (AuthException refused) {
            e = refused;
        }
        assertThat(e).as("token should be refused").isNotNull();
        if (token != null && !token.isBlank()) {
            assertThat(e.getMessage()).doesNotContain(token);
        }
        assertThat(e.getMessage()).doesNotContain(SECRET);
        assertThat(e.getStackTrace()).isEmpty();
        return e;
    }

    private AuthException unauthorized(JwtVerifier v, String token) {
        AuthException e = refused(v, token);
        assertThat(e.code()).isEqualTo(AuthException.Code.UNAUTHORIZED);
        return e;
    }

    @Test
    void goodTokenGivesPrincipal() {
        String token = issuer.token().subject("u1").role("user").claim("tenant_id", 42)
                .expiresIn(Duration.ofMinutes(5)).sign();
        Principal p = verifier.verify(token);
        assertThat(p.userId()).isEqualTo("u1");
        assertThat(p.roles()).containsExactly("user");
        assertThat(p.anonymous()).isFalse();
        assertThat(p.expiresAt()).isEqualTo(NOW.plusSeconds(300));
        assertThat(p.claims()).containsEntry("sub", "u1").containsEntry("tenant_id", 42L).containsEntry("role", "user")
                .containsKeys("iat", "exp");
        assertThat(p.toString()).doesNotContain("tenant_id");
    }

    @Test
    void expiredTokenIsTokenExpired() {
        String token = issuer.token().subject("u1").expiresAt(NOW.minusSeconds(31)).sign();
        assertThat(refused(verifier, token).code()).isEqualTo(AuthException.Code.TOKEN_EXPIRED);
        String exactlyNow = issuer.token().subject("u1").expiresAt(NOW.minusSeconds(30)).sign();
        assertThat(refused(verifier, exactlyNow).code()).isEqualTo(AuthException.Code.TOKEN_EXPIRED);
    }

    @Test
    void clockSkewToleratesRecentlyExpiredTokens() {
        String token = issuer.token().subject("u1").expiresAt(NOW.minusSeconds(29)).sign();
        assertThat(verifier.verify(token).userId()).isEqualTo("u1");
        JwtVerifier strict = JwtVerifier.builder().hs256Secret(SECRET).clock(CLOCK).clockSkew(Duration.ZERO).build();
        assertThat(refused(strict, token).code()).isEqualTo(AuthException.Code.TOKEN_EXPIRED);
    }

    @Test
    void fractionalExpiryIsAccepted() throws Exception {
        String token = forge("{\"alg\":\"HS256\"}", "{\"sub\":\"u1\",\"exp\":" + NOW.getEpochSecond() + ".5}",
                SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(token).expiresAt()).isEqualTo(NOW.plusMillis(500));
    }

    @Test
    void wrongSignatureIsRefused() {
        String other = JwtIssuer.hs256("another-secret-that-is-also-32-bytes-or-more").withClock(CLOCK)
                .token().subject("u1").sign();
        assertThat(unauthorized(verifier, other).getMessage()).isEqualTo("Invalid token signature");
    }

    @Test
    void tamperedPayloadIsRefused() {
        String token = issuer.token().subject("u1").role("user").sign();
        String[] parts = token.split("\\.");
        String admin = b64("{\"sub\":\"u1\",\"role\":\"admin\",\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + "}");
        unauthorized(verifier, parts[0] + "." + admin + "." + parts[2]);
    }

    @Test
    void algNoneIsRefused() {
        String payload = b64(validPayload());
        unauthorized(verifier, b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + ".");
        unauthorized(verifier, b64("{\"alg\":\"none\"}") + "." + payload + "." + b64("x"));
        unauthorized(verifier, b64("{\"alg\":\"None\"}") + "." + payload + "." + b64("x"));
        unauthorized(verifier, b64("{\"typ\":\"JWT\"}") + "." + payload + "." + b64("x"));
        assertThat(JwtAlgorithm.fromHeader("none")).isEmpty();
    }

    @Test
    void hs256TokenIsRefusedWhenOnlyRs256IsConfigured() throws Exception {
        JwtVerifier rsaOnly = JwtVerifier.builder().rs256PublicKey(RSA.getPublic()).clock(CLOCK).build();
        // The classic confusion attack: sign with the public key (as PEM or DER bytes) as the HMAC secret.
        String withPem = forge("{\"alg\":\"HS256\"}", validPayload(),
                PemKeys.toPem(RSA.getPublic()).getBytes(StandardCharsets.US_ASCII));
        String withDer = forge("{\"alg\":\"HS256\"}", validPayload(), RSA.getPublic().getEncoded());
        assertThat(unauthorized(rsaOnly, withPem).getMessage()).isEqualTo("Token algorithm is not accepted");
        unauthorized(rsaOnly, withDer);
    }

    @Test
    void rs256TokenIsRefusedWhenOnlyHs256IsConfigured() {
        String rs = JwtIssuer.rs256(RSA.getPrivate()).withClock(CLOCK).token().subject("u1").sign();
        assertThat(unauthorized(verifier, rs).getMessage()).isEqualTo("Token algorithm is not accepted");
    }

    @Test
    void rs256AndEs256TokensVerifyWithTheirPublicKeys() {
        JwtVerifier v = JwtVerifier.builder().rs256PublicKey(RSA.getPublic()).es256PublicKey(EC.getPublic())
                .clock(CLOCK).build();
        assertThat(v.algorithms()).containsExactlyInAnyOrder(JwtAlgorithm.RS256, JwtAlgorithm.ES256);
        String rs = JwtIssuer.rs256(RSA.getPrivate()).withClock(CLOCK).token().subject("r").sign();
        String es = JwtIssuer.es256(EC.getPrivate()).withClock(CLOCK).token().subject("e").sign();
        assertThat(v.verify(rs).userId()).isEqualTo("r");
        assertThat(v.verify(es).userId()).isEqualTo("e");
        // An ES256 signature presented as RS256 (and the reverse) does not verify.
        String[] esParts = es.split("\\.");
        String[] rsParts = rs.split("\\.");
        unauthorized(v, rsParts[0] + "." + rsParts[1] + "." + esParts[2]);
        unauthorized(v, esParts[0] + "." + esParts[1] + "." + rsParts[2]);
    }

    @Test
    void publicKeysReadFromPem() {
        JwtVerifier v = JwtVerifier.builder().rs256PublicKey(PemKeys.publicKey(PemKeys.toPem(RSA.getPublic())))
                .clock(CLOCK).build();
        String rs = JwtIssuer.rs256(RSA.getPrivate()).withClock(CLOCK).token().subject("r").sign();
        assertThat(v.verify(rs).userId()).isEqualTo("r");
        assertThatThrownBy(() -> PemKeys.publicKey("not a key")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysOfTheWrongKindOrStrengthAreRefusedAtConfiguration() throws Exception {
        assertThatThrownBy(() -> JwtVerifier.builder().hs256Secret("short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> JwtVerifier.builder().rs256PublicKey(EC.getPublic()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JwtVerifier.builder().es256PublicKey(RSA.getPublic()))
                .isInstanceOf(IllegalArgumentException.class);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        assertThatThrownBy(() -> JwtVerifier.builder().rs256PublicKey(g.generateKeyPair().getPublic()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2048");
        assertThatThrownBy(() -> JwtVerifier.builder().build()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keyIdSelectsTheKey() {
        KeyPair second = keyPair("RSA");
        JwtVerifier v = JwtVerifier.builder()
                .key(new VerificationKey(JwtAlgorithm.RS256, RSA.getPublic(), "k1"))
                .key(new VerificationKey(JwtAlgorithm.RS256, second.getPublic(), "k2"))
                .clock(CLOCK).build();
        String t2 = JwtIssuer.rs256(second.getPrivate()).withKeyId("k2").withClock(CLOCK).token().subject("u").sign();
        assertThat(v.verify(t2).userId()).isEqualTo("u");
        String wrongKid = JwtIssuer.rs256(second.getPrivate()).withKeyId("k1").withClock(CLOCK).token().subject("u").sign();
        unauthorized(v, wrongKid);
        String noKid = JwtIssuer.rs256(second.getPrivate()).withClock(CLOCK).token().subject("u").sign();
        unauthorized(v, noKid);
    }

    @Test
    void malformedTokensAreUnauthorized() throws Exception {
        String good = issuer.token().subject("u1").sign();
        String[] p = good.split("\\.");
        unauthorized(verifier, null);
        unauthorized(verifier, "");
        unauthorized(verifier, "   ");
        unauthorized(verifier, "abc");
        unauthorized(verifier, p[0] + "." + p[1]);
        unauthorized(verifier, good + ".extra");
        unauthorized(verifier, p[0] + "." + p[1] + "." + p[2] + "." + p[2] + "." + p[2]);
        unauthorized(verifier, "." + p[1] + "." + p[2]);
        unauthorized(verifier, p[0] + "." + p[1] + ".");
        unauthorized(verifier, p[0] + "=." + p[1] + "." + p[2]);
        unauthorized(verifier, p[0] + "." + p[1] + "." + p[2] + "=");
        unauthorized(verifier, p[0] + "." + p[1] + "!." + p[2]);
        unauthorized(verifier, p[0].replace('-', '+') + "x." + p[1] + "." + p[2]);
        unauthorized(verifier, "Bearer " + good);
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        assertThat(unauthorized(verifier, forge("not json", validPayload(), secret)).getMessage())
                .isEqualTo("Malformed token header");
        unauthorized(verifier, forge("[\"HS256\"]", validPayload(), secret));
        unauthorized(verifier, forge("{\"alg\":7}", validPayload(), secret));
        unauthorized(verifier, forge("{\"alg\":\"HS256\",\"alg\":\"none\"}", validPayload(), secret));
        unauthorized(verifier, forge("{\"alg\":\"HS256\"} {}", validPayload(), secret));
        assertThat(unauthorized(verifier, forge("{\"alg\":\"HS256\"}", "{\"sub\":", secret)).getMessage())
                .isEqualTo("Malformed token payload");
        unauthorized(verifier, forge("{\"alg\":\"HS256\"}", "\"just a string\"", secret));
        unauthorized(verifier, forge("{\"alg\":\"HS256\"}", "{\"sub\":\"a\",\"sub\":\"b\",\"exp\":9999999999}", secret));
        unauthorized(verifier, forge("{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", validPayload(), secret));
        unauthorized(verifier, "a".repeat(JwtVerifier.DEFAULT_MAX_TOKEN_LENGTH + 1));
    }

    @Test
    void nonCanonicalSignatureEncodingIsRefused() {
        String good = issuer.token().subject("u1").sign();
        // 32 bytes encode to 43 characters; the last one carries 2 padding bits that must be zero.
        char last = good.charAt(good.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char variant = alphabet.charAt(alphabet.indexOf(last) ^ 1);
        unauthorized(verifier, good.substring(0, good.length() - 1) + variant);
    }

    @Test
    void missingOrMalformedExpIsRefused() throws Exception {
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        assertThat(unauthorized(verifier, issuer.token().subject("u1").claim("exp", null).sign()).getMessage())
                .isEqualTo("Token has no expiry");
        unauthorized(verifier, forge("{\"alg\":\"HS256\"}", "{\"sub\":\"u1\",\"exp\":\"tomorrow\"}", secret));
        unauthorized(verifier, forge("{\"alg\":\"HS256\"}", "{\"sub\":\"u1\",\"exp\":1e300}", secret));
        unauthorized(verifier, forge("{\"alg\":\"HS256\"}", "{\"sub\":\"u1\",\"exp\":null}", secret));
    }

    @Test
    void notBeforeAndIssuedAtAreChecked() {
        assertThat(unauthorized(verifier, issuer.token().subject("u1").notBefore(NOW.plusSeconds(31)).sign()).getMessage())
                .isEqualTo("Token is not yet valid");
        assertThat(verifier.verify(issuer.token().subject("u1").notBefore(NOW.plusSeconds(29)).sign()).userId()).isEqualTo("u1");
        assertThat(unauthorized(verifier, issuer.token().subject("u1").claim("iat", NOW.plusSeconds(120).getEpochSecond())
                .sign()).getMessage()).isEqualTo("Token was issued in the future");
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() {
        JwtVerifier v = JwtVerifier.builder().hs256Secret(SECRET).clock(CLOCK)
                .issuers(List.of("https://auth.example")).audiences(List.of("realtime", "api")).build();
        String ok = issuer.token().subject("u1").issuer("https://auth.example").audience("realtime").sign();
        assertThat(v.verify(ok).userId()).isEqualTo("u1");
        String okArray = issuer.token().subject("u1").issuer("https://auth.example").claim("aud", List.of("x", "api")).sign();
        assertThat(v.verify(okArray).userId()).isEqualTo("u1");
        assertThat(unauthorized(v, issuer.token().subject("u1").issuer("https://evil.example").audience("realtime").sign())
                .getMessage()).isEqualTo("Token issuer is not accepted");
        unauthorized(v, issuer.token().subject("u1").audience("realtime").sign());
        assertThat(unauthorized(v, issuer.token().subject("u1").issuer("https://auth.example").audience("other").sign())
                .getMessage()).isEqualTo("Token audience is not accepted");
        unauthorized(v, issuer.token().subject("u1").issuer("https://auth.example").sign());
        unauthorized(v, issuer.token().subject("u1").issuer("https://auth.example").claim("aud", List.of("x")).sign());
        // Not configured: not checked.
        assertThat(verifier.verify(issuer.token().subject("u1").issuer("anyone").audience("any").sign()).userId()).isEqualTo("u1");
    }

    @Test
    void subjectIsRequired() {
        assertThat(unauthorized(verifier, issuer.token().role("user").sign()).getMessage()).isEqualTo("Token has no subject");
        unauthorized(verifier, issuer.token().claim("sub", 12).sign());
        unauthorized(verifier, issuer.token().subject("").sign());
        JwtVerifier byEmail = JwtVerifier.builder().hs256Secret(SECRET).clock(CLOCK).userIdClaim("email").build();
        assertThat(byEmail.verify(issuer.token().subject("u1").claim("email", "a@b.c").sign()).userId()).isEqualTo("a@b.c");
    }

    @Test
    void roleAndRolesClaims() {
        assertThat(verifier.verify(issuer.token().subject("u").role("editor").sign()).roles()).containsExactly("editor");
        assertThat(verifier.verify(issuer.token().subject("u").roles(List.of("a", "b")).sign()).roles())
                .containsExactlyInAnyOrder("a", "b");
        assertThat(verifier.verify(issuer.token().subject("u").role("a").roles(List.of("b", "c")).sign()).roles())
                .containsExactlyInAnyOrder("a", "b", "c");
        assertThat(verifier.verify(issuer.token().subject("u").sign()).roles()).containsExactly("authenticated");
        assertThat(verifier.verify(issuer.token().subject("u").roles(List.of()).sign()).roles()).containsExactly("authenticated");
        unauthorized(verifier, issuer.token().subject("u").claim("role", List.of("a")).sign());
        unauthorized(verifier, issuer.token().subject("u").claim("roles", "a").sign());
        unauthorized(verifier, issuer.token().subject("u").claim("roles", List.of("a", 1)).sign());
    }

    @Test
    void roleClaimNamesAreConfigurableAndMayBePaths() {
        JwtVerifier keycloak = JwtVerifier.builder().hs256Secret(SECRET).clock(CLOCK)
                .roleClaim("app_role").rolesClaim("realm_access.roles").defaultRole("member").build();
        String t = issuer.token().subject("u").role("ignored").claim("app_role", "owner")
                .claim("realm_access", Map.of("roles", List.of("admin"))).sign();
        assertThat(keycloak.verify(t).roles()).containsExactlyInAnyOrder("owner", "admin");
        assertThat(keycloak.verify(issuer.token().subject("u").role("x").sign()).roles()).containsExactly("member");
    }

    @Test
    void nestedClaimsArePlainJavaValues() throws Exception {
        String payload = "{\"sub\":\"u1\",\"exp\":" + NOW.plusSeconds(60).getEpochSecond()
                + ",\"app_metadata\":{\"tenant\":{\"id\":\"t-9\",\"plan\":null},\"teams\":[1,2,3]},"
                + "\"big\":123456789012345678901234567890,\"price\":1.500,\"ok\":true}";
        Principal p = verifier.verify(forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, SECRET.getBytes(StandardCharsets.UTF_8)));
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = (Map<String, Object>) p.claims().get("app_metadata");
        @SuppressWarnings("unchecked")
        Map<String, Object> tenant = (Map<String, Object>) meta.get("tenant");
        assertThat(tenant).containsEntry("id", "t-9").containsEntry("plan", null);
        assertThat(meta.get("teams")).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(p.claims().get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(p.claims().get("price")).isEqualTo(new BigDecimal("1.500"));
        assertThat(p.claims().get("ok")).isEqualTo(true);
        assertThatThrownBy(() -> p.claims().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> tenant.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anonymousPrincipal() {
        Principal anon = Principal.ANONYMOUS;
        assertThat(anon.anonymous()).isTrue();
        assertThat(anon.userId()).isNull();
        assertThat(anon.roles()).containsExactly("anon");
        assertThat(anon.claims()).isEmpty();
        assertThat(anon.isExpired(Instant.MAX)).isFalse();
        assertThat(anon.hasAnyRole(Set.of("authenticated"))).isFalse();
        assertThat(anon.hasAnyRole(Set.of("anon", "authenticated"))).isTrue();
        Principal user = verifier.verify(issuer.token().subject("u").role("user").sign());
        assertThat(user.hasAnyRole(Set.of("authenticated"))).isTrue();
        assertThat(user.hasAnyRole(Set.of("user"))).isTrue();
        assertThat(user.hasAnyRole(Set.of("admin", "anon"))).isFalse();
        assertThat(user.isExpired(NOW.plusSeconds(3600))).isTrue();
    }
}
