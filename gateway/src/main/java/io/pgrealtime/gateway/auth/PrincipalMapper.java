package io.pgrealtime.gateway.auth;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.pgrealtime.protocol.Json;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps the payload of a verified token to a {@link Principal}:
 * <ul>
 *   <li>user id: the subject claim ({@code sub} by default), a non-empty string, required;</li>
 *   <li>roles: the role claim ({@code role}, a string) and the roles claim ({@code roles}, an array
 *       of strings), merged; claim names may be dotted paths ({@code realm_access.roles}); a token
 *       naming no role gets the default role ({@code authenticated});</li>
 *   <li>claims: every claim as plain immutable Java values, numbers exact ({@link Long},
 *       {@link java.math.BigInteger}, {@link BigDecimal}), for {@code {{claims.X}}} in row filters;</li>
 *   <li>expiresAt: {@code exp} exactly, fractional seconds included.</li>
 * </ul>
 * The payload is read again here with Jackson (Nimbus's parser turns large integers and decimals
 * into doubles) and duplicate members are refused, so no claim has two readings. Immutable and
 * thread-safe.
 */
final class PrincipalMapper {
    private static final ObjectReader READER = Json.mapper().reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private final String userIdClaim;
    private final String roleClaim;
    private final String rolesClaim;
    private final String defaultRole;

    PrincipalMapper(String userIdClaim, String roleClaim, String rolesClaim, String defaultRole) {
        this.userIdClaim = userIdClaim;
        this.roleClaim = roleClaim;
        this.rolesClaim = rolesClaim;
        this.defaultRole = defaultRole;
    }

    /** @throws AuthException UNAUTHORIZED if the payload cannot be mapped */
    Principal map(byte[] payload) {
        JsonNode claims;
        try {
            claims = READER.readTree(payload);
        } catch (IOException e) {
            throw AuthException.unauthorized("Malformed token payload");
        }
        if (claims == null || !claims.isObject()) {
            throw AuthException.unauthorized("Malformed token payload");
        }
        Instant expiresAt = numericDate(claims, "exp");
        numericDate(claims, "nbf");
        numericDate(claims, "iat");
        if (expiresAt == null) {
            throw AuthException.unauthorized("Token has no expiry");
        }
        JsonNode sub = path(claims, userIdClaim);
        if (sub == null || !sub.isTextual() || sub.textValue().isEmpty()) {
            throw AuthException.unauthorized("Token has no subject");
        }
        return new Principal(sub.textValue(), roles(claims), toMap(claims), expiresAt, false);
    }

    private Set<String> roles(JsonNode claims) {
        Set<String> roles = new LinkedHashSet<>();
        JsonNode role = path(claims, roleClaim);
        if (role != null && !role.isNull()) {
            if (!role.isTextual()) {
                throw AuthException.unauthorized("Malformed role claim");
            }
            if (!role.textValue().isEmpty()) {
                roles.add(role.textValue());
            }
        }
        JsonNode list = path(claims, rolesClaim);
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw AuthException.unauthorized("Malformed roles claim");
            }
            for (JsonNode r : list) {
                if (!r.isTextual()) {
                    throw AuthException.unauthorized("Malformed roles claim");
                }
                if (!r.textValue().isEmpty()) {
                    roles.add(r.textValue());
                }
            }
        }
        if (roles.isEmpty()) {
            roles.add(defaultRole);
        }
        return roles;
    }

    /** The claim at {@code name}: the literal member first, then a walk along a dotted path. */
    private static JsonNode path(JsonNode claims, String name) {
        JsonNode direct = claims.get(name);
        if (direct != null || name.indexOf('.') < 0) {
            return direct;
        }
        JsonNode current = claims;
        for (String part : name.split("\\.", -1)) {
            current = current.isObject() ? current.get(part) : null;
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    /**
     * A NumericDate exactly (RFC 7519 §2: seconds, fractions allowed), or null when absent. Values
     * beyond {@link TokenClaimsVerifier#MAX_DATE} are refused: Nimbus's reading of them overflowed,
     * so the time checks it made cannot be trusted.
     */
    private static Instant numericDate(JsonNode claims, String name) {
        JsonNode v = claims.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            if (!v.isNumber()) {
                throw new ArithmeticException();
            }
            BigDecimal seconds = v.decimalValue();
            long whole = seconds.setScale(0, RoundingMode.FLOOR).longValueExact();
            long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
            Instant i = Instant.ofEpochSecond(whole, nanos);
            if (i.isBefore(Instant.EPOCH) || i.isAfter(TokenClaimsVerifier.MAX_DATE)) {
                throw new ArithmeticException();
            }
            return i;
        } catch (ArithmeticException | DateTimeException e) {
            throw AuthException.unauthorized("Malformed " + name + " claim");
        }
    }

    /** JSON to plain immutable Java values; numbers keep their exact value. */
    private static Object toJava(JsonNode n) {
        return switch (n.getNodeType()) {
            case OBJECT -> toMap(n);
            case ARRAY -> {
                List<Object> list = new ArrayList<>(n.size());
                n.forEach(e -> list.add(toJava(e)));
                yield Collections.unmodifiableList(list);
            }
            case STRING -> n.textValue();
            case BOOLEAN -> n.booleanValue();
            case NUMBER -> n.isIntegralNumber()
                    ? (n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue())
                    : n.decimalValue();
            default -> null;
        };
    }

    private static Map<String, Object> toMap(JsonNode object) {
        Map<String, Object> map = new LinkedHashMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), toJava(e.getValue())));
        return Collections.unmodifiableMap(map);
    }
}
