package io.pgrealtime.gateway.auth;

/**
 * The parts of a JOSE header that key selection needs.
 *
 * @param alg the {@code alg} member as written (not yet checked against the accepted algorithms)
 * @param kid the {@code kid} member, or null
 * @param typ the {@code typ} member, or null
 */
public record JwtHeader(String alg, String kid, String typ) {
}
