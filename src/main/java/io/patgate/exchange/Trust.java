package io.patgate.exchange;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One trust entry of a service account, as the {@link SubjectTokenVerifier} judges tokens by it (the trust API owns the
 * rows; see {@link TrustSource}): tokens of {@code issuer} whose {@code aud} contains {@code audience}, whose
 * {@code sub} matches {@code subject} (null: any subject) and whose named claims match {@code claims} (see
 * {@link Patterns}), may be exchanged for a token of {@code accountId} living at most {@code maxTtlSeconds}. The
 * issuer's keys come from its discovery document, or from {@code jwks} (a JWK set, JSON) when the trust carries them.
 */
public record Trust(
        UUID id,
        UUID accountId,
        String issuer,
        String audience,
        String subject,
        Map<String, String> claims,
        int maxTtlSeconds,
        String jwks) {

    public Trust {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        claims = claims == null ? Map.of() : Map.copyOf(claims);
    }
}
