/**
 * Authentication: JWTs to {@link io.pgrealtime.gateway.auth.Principal}s (protocol.md §0).
 *
 * <p>{@link io.pgrealtime.gateway.auth.JwtVerifier} applies the rules (configured algorithms
 * only, {@code exp} required, {@code nbf}/{@code iat} with clock skew, {@code iss}/{@code aud} when
 * configured) and refuses with {@link io.pgrealtime.gateway.auth.AuthException}
 * ({@code UNAUTHORIZED} or {@code TOKEN_EXPIRED}, client-safe messages). Keys come from a
 * {@link io.pgrealtime.gateway.auth.KeyResolver}: fixed HS256/RS256/ES256 keys today, a JWKS
 * resolver later. {@code JwtIssuer} (gateway test-jar, not in the runnable jar) mints tokens for tests and the dev
 * launcher. Everything here is immutable and thread-safe.
 */
package io.pgrealtime.gateway.auth;
