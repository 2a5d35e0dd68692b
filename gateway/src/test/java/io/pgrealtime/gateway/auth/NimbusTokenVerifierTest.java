package io.pgrealtime.gateway.auth;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JWSAlgorithm;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.pgrealtime.gateway.auth.Tokens.SECRET;
import static io.pgrealtime.gateway.auth.Tokens.forge;
import static io.pgrealtime.gateway.auth.Tokens.refused;
import static io.pgrealtime.gateway.auth.Tokens.unauthorized;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a verified token becomes, and the claims rules, with an HS256 secret (attacks: {@link TokenAttackTest}). */
class NimbusTokenVerifierTest {
    private static final Instant NOW = Instant.parse("2026-01-09T10:30:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final JwtIssuer issuer = JwtIssuer.hs256(SECRET).withClock(CLOCK);
    private final NimbusTokenVerifier verifier = NimbusTokenVerifier.builder().hmacSecret(SECRET).clock(CLOCK).build();

    private static NimbusTokenVerifier.Builder hs() {
        return NimbusTokenVerifier.builder().hmacSecret(SECRET).clock(CLOCK);
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
        String exactlyAtSkew = issuer.token().subject("u1").expiresAt(NOW.minusSeconds(30)).sign();
        assertThat(refused(verifier, exactlyAtSkew).code()).isEqualTo(AuthException.Code.TOKEN_EXPIRED);
        assertThat(refused(verifier, exactlyAtSkew).getMessage()).isEqualTo("Token has expired");
    }

    @Test
    void clockSkewToleratesRecentlyExpiredTokens() {
        String token = issuer.token().subject("u1").expiresAt(NOW.minusSeconds(29)).sign();
        assertThat(verifier.verify(token).userId()).isEqualTo("u1");
        NimbusTokenVerifier strict = hs().clockSkew(Duration.ZERO).build();
        assertThat(refused(strict, token).code()).isEqualTo(AuthException.Code.TOKEN_EXPIRED);
        NimbusTokenVerifier lenient = hs().clockSkew(Duration.ofSeconds(60)).build();
        assertThat(lenient.verify(issuer.token().subject("u1").expiresAt(NOW.minusSeconds(59)).sign()).userId()).isEqualTo("u1");
    }

    @Test
    void fractionalExpiryIsKeptExactly() {
        String token = forge("{\"alg\":\"HS256\"}", "{\"sub\":\"u1\",\"exp\":" + NOW.getEpochSecond() + ".5}");
        assertThat(verifier.verify(token).expiresAt()).isEqualTo(NOW.plusMillis(500));
    }

    @Test
    void missingOrMalformedExpIsRefused() {
        assertThat(unauthorized(verifier, issuer.token().subject("u1").claim("exp", null).sign())).isEqualTo("Token has no expiry");
        unauthorized(verifier, forge("{\"alg\":\"HS256\"}", "{\"sub\":\"u1\",\"exp\":\"tomorrow\"}"));
        // 1e300 s overflows Nimbus's long arithmetic into 1969: malformed, not "expired".
        assertThat(unauthorized(verifier, forge("{\"alg\":\"HS256\"}", "{\"sub\":\"u1\",\"exp\":1e300}"))).isEqualTo("Malformed exp claim");
        assertThat(unauthorized(verifier, forge("{\"alg\":\"HS256\"}", "{\"sub\":\"u1\",\"exp\":null}"))).isEqualTo("Token has no expiry");
        unauthorized(verifier, forge("{\"alg\":\"HS256\"}", "{\"sub\":\"u1\",\"exp\":" + NOW.getEpochSecond() + ",\"nbf\":\"now\"}"));
    }

    @Test
    void notBeforeAndIssuedAtAreCheckedWithSkew() {
        assertThat(unauthorized(verifier, issuer.token().subject("u1").notBefore(NOW.plusSeconds(31)).sign()))
                .isEqualTo("Token is not yet valid");
        assertThat(verifier.verify(issuer.token().subject("u1").notBefore(NOW.plusSeconds(29)).sign()).userId()).isEqualTo("u1");
        assertThat(unauthorized(verifier, issuer.token().subject("u1").claim("iat", NOW.plusSeconds(120).getEpochSecond()).sign()))
                .isEqualTo("Token was issued in the future");
    }

    @Test
    void lifetimeAboveTheMaximumIsRefused() {
        // Default 24 h: exp - iat, or exp - now when there is no iat.
        assertThat(verifier.verify(issuer.token().subject("u1").expiresIn(Duration.ofHours(24)).sign()).userId()).isEqualTo("u1");
        assertThat(unauthorized(verifier, issuer.token().subject("u1").expiresIn(Duration.ofHours(24).plusSeconds(1)).sign()))
                .isEqualTo("Token lifetime exceeds the maximum");
        unauthorized(verifier, issuer.token().subject("u1").claim("iat", null).expiresIn(Duration.ofDays(30)).sign());
        // An old iat counts: issued two days ago, valid for one more hour.
        unauthorized(verifier, issuer.token().subject("u1").claim("iat", NOW.minus(Duration.ofDays(2)).getEpochSecond()).sign());
        NimbusTokenVerifier shortLived = hs().maxLifetime(Duration.ofMinutes(15)).build();
        unauthorized(shortLived, issuer.token().subject("u1").sign());
        assertThat(shortLived.verify(issuer.token().subject("u1").expiresIn(Duration.ofMinutes(15)).sign()).userId()).isEqualTo("u1");
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() {
        NimbusTokenVerifier v = hs().issuers(List.of("https://auth.example")).audiences(List.of("realtime", "api")).build();
        String ok = issuer.token().subject("u1").issuer("https://auth.example").audience("realtime").sign();
        assertThat(v.verify(ok).userId()).isEqualTo("u1");
        String okArray = issuer.token().subject("u1").issuer("https://auth.example").claim("aud", List.of("x", "api")).sign();
        assertThat(v.verify(okArray).userId()).isEqualTo("u1");
        assertThat(unauthorized(v, issuer.token().subject("u1").issuer("https://evil.example").audience("realtime").sign()))
                .isEqualTo("Token issuer is not accepted");
        unauthorized(v, issuer.token().subject("u1").audience("realtime").sign());
        assertThat(unauthorized(v, issuer.token().subject("u1").issuer("https://auth.example").audience("other").sign()))
                .isEqualTo("Token audience is not accepted");
        unauthorized(v, issuer.token().subject("u1").issuer("https://auth.example").sign());
        unauthorized(v, issuer.token().subject("u1").issuer("https://auth.example").claim("aud", List.of("x")).sign());
        // Not configured: not checked.
        assertThat(verifier.verify(issuer.token().subject("u1").issuer("anyone").audience("any").sign()).userId()).isEqualTo("u1");
    }

    @Test
    void subjectIsRequired() {
        assertThat(unauthorized(verifier, issuer.token().role("user").sign())).isEqualTo("Token has no subject");
        unauthorized(verifier, issuer.token().claim("sub", 12).sign());
        unauthorized(verifier, issuer.token().subject("").sign());
        NimbusTokenVerifier byEmail = hs().userIdClaim("email").build();
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
        NimbusTokenVerifier keycloak = hs().roleClaim("app_role").rolesClaim("realm_access.roles").defaultRole("member").build();
        String t = issuer.token().subject("u").role("ignored").claim("app_role", "owner")
                .claim("realm_access", Map.of("roles", List.of("admin"))).sign();
        assertThat(keycloak.verify(t).roles()).containsExactlyInAnyOrder("owner", "admin");
        assertThat(keycloak.verify(issuer.token().subject("u").role("x").sign()).roles()).containsExactly("member");
    }

    @Test
    void nestedClaimsArePlainJavaValuesWithExactNumbers() {
        String payload = "{\"sub\":\"u1\",\"exp\":" + NOW.plusSeconds(60).getEpochSecond()
                + ",\"app_metadata\":{\"tenant\":{\"id\":\"t-9\",\"plan\":null},\"teams\":[1,2,3]},"
                + "\"big\":123456789012345678901234567890,\"price\":1.500,\"ok\":true}";
        Principal p = verifier.verify(forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload));
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
    void anyTypHeaderIsAcceptedAsBefore() {
        String payload = "{\"sub\":\"u1\",\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + "}";
        assertThat(verifier.verify(forge("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", payload)).userId()).isEqualTo("u1");
        assertThat(verifier.verify(forge("{\"alg\":\"HS256\"}", payload)).userId()).isEqualTo("u1");
    }

    @Test
    void hmacAlgorithmsFollowTheSecretLength() {
        byte[] s32 = SECRET.substring(0, 32).getBytes(StandardCharsets.UTF_8);
        byte[] s48 = "x".repeat(48).getBytes(StandardCharsets.UTF_8);
        byte[] s64 = "y".repeat(64).getBytes(StandardCharsets.UTF_8);
        assertThat(NimbusTokenVerifier.builder().hmacSecret(s32).build().algorithms()).containsExactly(JWSAlgorithm.HS256);
        assertThat(NimbusTokenVerifier.builder().hmacSecret(s48).build().algorithms())
                .containsExactlyInAnyOrder(JWSAlgorithm.HS256, JWSAlgorithm.HS384);
        NimbusTokenVerifier v64 = NimbusTokenVerifier.builder().hmacSecret(s64).clock(CLOCK).build();
        assertThat(v64.algorithms()).containsExactlyInAnyOrder(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
            assertThat(v64.verify(JwtIssuer.hmac(alg, s64).withClock(CLOCK).token().subject("u").sign()).userId()).isEqualTo("u");
        }
        // HS512 needs a 64-byte key (RFC 7518 §3.2): with a 48-byte secret the algorithm is refused unread.
        NimbusTokenVerifier v48 = NimbusTokenVerifier.builder().hmacSecret(s48).clock(CLOCK).build();
        String payload = "{\"sub\":\"u\",\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + "}";
        assertThat(unauthorized(v48, forge("{\"alg\":\"HS512\"}", payload, s48))).isEqualTo("Token algorithm is not accepted");
        assertThat(verifier.algorithms()).doesNotContain(new JWSAlgorithm(Algorithm.NONE.getName()));
    }

    @Test
    void configurationMistakesFailAtBuild() {
        assertThatThrownBy(() -> NimbusTokenVerifier.builder().hmacSecret("short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> NimbusTokenVerifier.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> hs().clockSkew(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hs().maxLifetime(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hs().roleClaim(" ")).isInstanceOf(IllegalArgumentException.class);
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
