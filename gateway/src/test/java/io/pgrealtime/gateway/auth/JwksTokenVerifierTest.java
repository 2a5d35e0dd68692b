package io.pgrealtime.gateway.auth;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.pgrealtime.gateway.auth.Tokens.unauthorized;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RS256 and ES256 tokens verified with keys fetched from {@code JWKS_URL}: a real HTTP server on
 * an ephemeral port, the real Nimbus source with its cache, refresh on unknown {@code kid}, rate
 * limit and outage tolerance (settings shortened so the tests take seconds).
 */
class JwksTokenVerifierTest {
    private static final KeyPair RSA = Tokens.rsa(2048);
    private static final KeyPair RSA_NEXT = Tokens.rsa(2048);
    private static final KeyPair EC = Tokens.ec("secp256r1");

    private final JwksServer server = new JwksServer();
    private final List<NimbusTokenVerifier> verifiers = new ArrayList<>();

    @AfterEach
    void stop() {
        verifiers.forEach(NimbusTokenVerifier::close);
        server.close();
    }

    private NimbusTokenVerifier verifier(URL url, JwksSettings settings) {
        NimbusTokenVerifier v = NimbusTokenVerifier.builder().jwksUrl(url, settings).build();
        verifiers.add(v);
        return v;
    }

    private NimbusTokenVerifier verifier(JwksSettings settings) {
        return verifier(server.url(), settings);
    }

    private static JwksSettings settings(Duration ttl, Duration minInterval, Duration outage) {
        return new JwksSettings(ttl, minInterval, outage, Duration.ofSeconds(2));
    }

    private static String token(KeyPair kp, String kid, String sub) {
        JwtIssuer issuer = kp.getPrivate().getAlgorithm().equals("EC") ? JwtIssuer.es256(kp.getPrivate()) : JwtIssuer.rs256(kp.getPrivate());
        return issuer.withKeyId(kid).token().subject(sub).sign();
    }

    @Test
    void rs256AndEs256TokensAreVerifiedWithKeysFromTheJwksAndTheSetIsCached() {
        server.keys(Tokens.rsaJwk(RSA, "rsa-1"), Tokens.ecJwk(EC, "ec-1"));
        NimbusTokenVerifier v = verifier(JwksSettings.DEFAULTS);
        assertThat(server.hits()).as("nothing is fetched before the first token").isZero();
        for (int i = 0; i < 5; i++) {
            assertThat(v.verify(token(RSA, "rsa-1", "r" + i)).userId()).isEqualTo("r" + i);
            assertThat(v.verify(token(EC, "ec-1", "e" + i)).userId()).isEqualTo("e" + i);
        }
        assertThat(server.hits()).isEqualTo(1);
        // HS tokens are not checked against the JWKS: without JWT_SECRET their algorithm is refused.
        assertThat(unauthorized(v, JwtIssuer.hs256(Tokens.SECRET).token().subject("h").sign()))
                .isEqualTo("Token algorithm is not accepted");
    }

    @Test
    void prefetchLoadsTheKeysInTheBackground() {
        server.keys(Tokens.rsaJwk(RSA, "rsa-1"));
        NimbusTokenVerifier v = verifier(JwksSettings.DEFAULTS).prefetch();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.hits() == 1);
        assertThat(v.verify(token(RSA, "rsa-1", "u")).userId()).isEqualTo("u");
        assertThat(server.hits()).isEqualTo(1);
    }

    @Test
    void aNewKidIsFetchedAndARemovedKidIsRefusedAfterTheRefresh() throws Exception {
        server.keys(Tokens.rsaJwk(RSA, "k1"));
        NimbusTokenVerifier v = verifier(settings(Duration.ofMinutes(5), Duration.ofMillis(200), Duration.ofHours(1)));
        assertThat(v.verify(token(RSA, "k1", "old")).userId()).isEqualTo("old");
        assertThat(server.hits()).isEqualTo(1);
        // Rotation: the issuer publishes k2 and withdraws k1.
        server.keys(Tokens.rsaJwk(RSA_NEXT, "k2"));
        assertThat(v.verify(token(RSA_NEXT, "k2", "new")).userId()).isEqualTo("new");
        assertThat(server.hits()).isEqualTo(2);
        Thread.sleep(300);
        assertThat(unauthorized(v, token(RSA, "k1", "old"))).isEqualTo("No key matches the token");
        assertThat(v.verify(token(RSA_NEXT, "k2", "new")).userId()).isEqualTo("new");
    }

    @Test
    void refreshesForUnknownKidsAreRateLimited() {
        server.keys(Tokens.rsaJwk(RSA, "k1"));
        NimbusTokenVerifier v = verifier(settings(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1)));
        assertThat(v.verify(token(RSA, "k1", "u")).userId()).isEqualTo("u");
        // A flood of tokens naming made-up kids: one refresh, then the limiter answers.
        for (int i = 0; i < 50; i++) {
            assertThat(unauthorized(v, token(RSA_NEXT, "made-up-" + i, "x"))).isEqualTo("No key matches the token");
        }
        assertThat(server.hits()).isEqualTo(2);
        // A key published meanwhile waits for the next window; known keys keep working from the cache.
        server.keys(Tokens.rsaJwk(RSA, "k1"), Tokens.rsaJwk(RSA_NEXT, "k2"));
        assertThat(unauthorized(v, token(RSA_NEXT, "k2", "x"))).isEqualTo("No key matches the token");
        assertThat(v.verify(token(RSA, "k1", "u")).userId()).isEqualTo("u");
        assertThat(server.hits()).isEqualTo(2);
    }

    @Test
    void theLastGoodKeysServeDuringAnOutage() throws Exception {
        server.keys(Tokens.rsaJwk(RSA, "k1"));
        NimbusTokenVerifier v = verifier(settings(Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(1)));
        assertThat(v.verify(token(RSA, "k1", "u")).userId()).isEqualTo("u");
        server.failWith(503);
        int before = server.hits();
        Thread.sleep(1_300);
        assertThat(v.verify(token(RSA, "k1", "u")).userId()).isEqualTo("u");
        assertThat(server.hits()).as("the expired cache was refetched, and that failed").isGreaterThan(before);
    }

    @Test
    void withoutOutageToleranceExpiredKeysAreNotUsed() throws Exception {
        server.keys(Tokens.rsaJwk(RSA, "k1"));
        NimbusTokenVerifier v = verifier(settings(Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ZERO));
        assertThat(v.verify(token(RSA, "k1", "u")).userId()).isEqualTo("u");
        server.failWith(500);
        Thread.sleep(1_300);
        assertThat(unauthorized(v, token(RSA, "k1", "u"))).isIn("Token keys are unavailable", "No key matches the token");
        server.keys(Tokens.rsaJwk(RSA, "k1"));
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> v.verify(token(RSA, "k1", "u")) != null);
    }

    @Test
    void anUnreachableJwksRefusesTokensWithinTheTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        NimbusTokenVerifier v = verifier(new URL("http://127.0.0.1:" + port + "/jwks.json"), JwksSettings.DEFAULTS);
        long start = System.nanoTime();
        assertThat(unauthorized(v, token(RSA, "k1", "u"))).isEqualTo("Token keys are unavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(7));
    }

    @Test
    void anEmptyOrInvalidDocumentRefusesTokens() {
        server.keys();
        assertThat(unauthorized(verifier(JwksSettings.DEFAULTS), token(RSA, "k1", "u"))).isEqualTo("No key matches the token");
        server.document("<html>login</html>");
        assertThat(unauthorized(verifier(JwksSettings.DEFAULTS), token(RSA, "k1", "u"))).isEqualTo("Token keys are unavailable");
        // A private key published by mistake is used for its public half only.
        server.keys(new com.nimbusds.jose.jwk.RSAKey.Builder((java.security.interfaces.RSAPublicKey) RSA.getPublic())
                .privateKey(RSA.getPrivate()).keyID("k1").build());
        assertThat(verifier(JwksSettings.DEFAULTS).verify(token(RSA, "k1", "u")).userId()).isEqualTo("u");
    }
}
