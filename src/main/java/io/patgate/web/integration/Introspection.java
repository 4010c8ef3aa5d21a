package io.patgate.web.integration;

import io.patgate.domain.Cidr;
import io.patgate.identity.Caller;
import java.util.List;

/**
 * RFC 7662 section 2.2: what a token is; only {@code active} for anything that is not good now. Written by
 * hand ({@link #json()}): it is the whole body of every introspection answer, on the hot path.
 *
 * @param allowedCidrs the networks a fenced token may be used from (an extension member, {@code allowed_cidrs}):
 *                     the resource server applies them to its client's address, which only it knows; null when the
 *                     token is not fenced
 */
public record Introspection(
        boolean active,
        String sub,
        String username,
        String scope,
        Long exp,
        Long iat,
        String jti,
        String tokenType,
        String credential,
        List<String> allowedCidrs) {

    static final Introspection INACTIVE =
            new Introspection(false, null, null, null, null, null, null, null, null, null);
    private static final String INACTIVE_JSON = "{\"active\":false}";

    static Introspection of(Caller c) {
        return new Introspection(
                true,
                c.userId().toString(),
                c.username(),
                String.join(" ", c.effectiveScopes()),
                c.expiresAt() == null ? null : c.expiresAt().getEpochSecond(),
                c.issuedAt() == null ? null : c.issuedAt().getEpochSecond(),
                c.credentialId().toString(),
                "Bearer",
                c.method().wire(),
                c.networks().isEmpty()
                        ? null
                        : c.networks().stream().map(Cidr::toString).toList());
    }

    /** The JSON object, members that are null left out. */
    String json() {
        if (!active) {
            return INACTIVE_JSON;
        }
        StringBuilder out = new StringBuilder(256).append("{\"active\":true");
        member(out, "sub", sub);
        member(out, "username", username);
        member(out, "scope", scope);
        member(out, "exp", exp);
        member(out, "iat", iat);
        member(out, "jti", jti);
        member(out, "token_type", tokenType);
        member(out, "patgate_credential", credential);
        if (allowedCidrs != null) {
            out.append(",\"allowed_cidrs\":[");
            for (int i = 0; i < allowedCidrs.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(out, allowedCidrs.get(i));
            }
            out.append(']');
        }
        return out.append('}').toString();
    }

    private static void member(StringBuilder out, String name, Long value) {
        if (value != null) {
            out.append(",\"").append(name).append("\":").append(value.longValue());
        }
    }

    private static void member(StringBuilder out, String name, String value) {
        if (value == null) {
            return;
        }
        out.append(",\"").append(name).append("\":");
        string(out, value);
    }

    /** A JSON string, escaped for any reader (JavaScript's line separators too). */
    private static void string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
