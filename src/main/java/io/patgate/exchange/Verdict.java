package io.patgate.exchange;

import java.time.Instant;

/** What the {@link SubjectTokenVerifier} made of a subject token. */
public sealed interface Verdict {

    /**
     * A token signed by a trusted issuer's key, unexpired, meant for the trust's audience, whose subject and claims
     * match {@code trust}; {@code expiresAt} is its own {@code exp} (an issued token must not outlive it), {@code jwtId}
     * its {@code jti} (null when it has none), for the audit.
     */
    record Accepted(String issuer, String subject, Trust trust, Instant expiresAt, String jwtId) implements Verdict {}

    /**
     * Refused: the outcome (an {@code invalid_grant} with its description), and for the log and the audit what exactly
     * did not hold ({@code detail}: names issuers, key ids, claims as the token has them, never the token itself).
     */
    record Refused(ExchangeOutcome outcome, String detail) implements Verdict {}
}
