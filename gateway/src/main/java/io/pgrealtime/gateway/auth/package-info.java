/**
 * Authentication: JWTs to {@link io.pgrealtime.gateway.auth.Principal}s (protocol.md §0).
 *
 * <p>Transports see one seam, {@link io.pgrealtime.gateway.auth.TokenVerifier}: a token in, a
 * principal or an {@link io.pgrealtime.gateway.auth.AuthException} ({@code UNAUTHORIZED} or
 * {@code TOKEN_EXPIRED}, client-safe messages) out. Its implementation,
 * {@link io.pgrealtime.gateway.auth.NimbusTokenVerifier}, leaves JOSE to Nimbus JOSE + JWT and keeps
 * the gateway's policy here: which algorithm goes with which key
 * ({@link io.pgrealtime.gateway.auth.TokenKeySelector}: HS* with {@code JWT_SECRET}, RS*, PS* and ES*
 * with {@code JWKS_URL}), the claims rules ({@link io.pgrealtime.gateway.auth.TokenClaimsVerifier}),
 * the mapping to a principal ({@link io.pgrealtime.gateway.auth.PrincipalMapper}) and how the JWKS
 * is cached ({@link io.pgrealtime.gateway.auth.JwksSettings}).
 * {@link io.pgrealtime.gateway.auth.TokenSettings} parses the operator's settings. {@code JwtIssuer}
 * (gateway test-jar, not in the runnable jar) mints tokens for tests and the dev launcher.
 * Everything here is thread-safe.
 */
package io.pgrealtime.gateway.auth;
