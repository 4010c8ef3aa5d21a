package io.patgate.identity;

import io.patgate.domain.Glob;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A trust entry of a service account, as every replica holds it in memory: which signed identities may act as the
 * account through the token exchange. An identity (a JWT the exchange has already verified against the issuer's
 * keys) matches when its issuer is {@link #issuer} exactly, its audiences include {@link #audience}, its subject
 * matches {@link #subject} (when set) and each named claim matches its pattern ({@link Glob}).
 *
 * @param subject       a pattern; null for any subject (then {@link #claims} bind the identity)
 * @param claims        claim name to pattern
 * @param maxTtlSeconds the longest an exchanged token may live, 60 to 3600
 * @param jwks          the issuer's public keys (a JWKS document, JSON) when discovery cannot reach it; null otherwise
 * @param removed       removed (or its account deleted): a change that takes the entry out of every replica
 * @param version       the row's version: a copy with a lower one is older and never replaces this one
 */
public record WorkloadTrust(
        UUID id,
        UUID accountId,
        String issuer,
        String audience,
        String subject,
        Map<String, String> claims,
        int maxTtlSeconds,
        String jwks,
        Instant createdAt,
        boolean removed,
        long version) {

    public WorkloadTrust {
        claims = Map.copyOf(claims);
    }

    /**
     * Whether a verified identity matches this entry. Claim values are compared as text: a string as it is, a number
     * or a boolean as JSON writes it; a list matches when one of its elements does; anything else (an object, null,
     * an absent claim) never matches.
     *
     * @param claimValues the identity's claims by name (as a JSON parser gives them: String, Number, Boolean, List, Map)
     */
    public boolean matches(String issuer, Collection<String> audiences, String subject, Map<String, ?> claimValues) {
        if (!this.issuer.equals(issuer) || audiences == null || !audiences.contains(audience)) {
            return false;
        }
        if (this.subject != null && !Glob.matches(this.subject, subject)) {
            return false;
        }
        for (Map.Entry<String, String> bound : claims.entrySet()) {
            if (!claimMatches(bound.getValue(), claimValues == null ? null : claimValues.get(bound.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean claimMatches(String pattern, Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return Glob.matches(pattern, String.valueOf(value));
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(element -> !(element instanceof List<?>) && claimMatches(pattern, element));
        }
        return false;
    }
}
