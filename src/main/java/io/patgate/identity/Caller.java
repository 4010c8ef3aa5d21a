package io.patgate.identity;

import io.patgate.domain.Permissions;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling, as established by the per-request check. For a session the effective permissions are
 * the user's roles now; for a personal access token they are its scopes intersected with those roles.
 *
 * @param credentialId the session's {@code jti}, or the token's id
 * @param scopes       the token's own scopes (null for a session)
 * @param issuedAt     when the presented value was issued
 * @param expiresAt    when it expires; null for a token that never does
 * @param networks     the networks a token is limited to (empty: anywhere; always empty for a session)
 * @param valueDigest  for a token, the SHA-256 of the value presented: its current one, or the one it replaced during
 *                     that one's grace period (a self-rotation tells them apart by it); null for a session
 */
public record Caller(
        UUID userId,
        String username,
        Set<String> roles,
        AuthMethod method,
        UUID credentialId,
        Set<String> scopes,
        Instant issuedAt,
        Instant expiresAt,
        java.util.List<io.patgate.domain.Cidr> networks,
        java.nio.ByteBuffer valueDigest) {

    /** A caller whose presented value does not matter (a session; a token in tests). */
    public Caller(
            UUID userId,
            String username,
            Set<String> roles,
            AuthMethod method,
            UUID credentialId,
            Set<String> scopes,
            Instant issuedAt,
            Instant expiresAt,
            java.util.List<io.patgate.domain.Cidr> networks) {
        this(userId, username, roles, method, credentialId, scopes, issuedAt, expiresAt, networks, null);
    }

    /** The attribute of the {@code SecurityIdentity} that carries the caller. */
    public static final String ATTRIBUTE = "patgate.caller";

    public enum AuthMethod {
        SESSION("session"),
        PAT("pat"),
        /** A token the RFC 8693 exchange issued to a service account: minutes long, no row (see {@code TokenSigner#EXCHANGE_TYPE}). */
        EXCHANGE("exchange");

        private final String wire;

        AuthMethod(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public boolean isSession() {
        return method == AuthMethod.SESSION;
    }

    /**
     * What this credential may do now: a session, the user's roles; a token, its scopes intersected with
     * the user's roles (plus {@code tokens}, which is a scope, not a role). Sorted.
     */
    public java.util.List<String> effectiveScopes() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String scope : isSession() ? roles : scopes) {
            if (isSession() || roles.contains(scope) || Permissions.TOKENS.equals(scope)) {
                out.add(scope);
            }
        }
        out.sort(null);
        return out;
    }
}
