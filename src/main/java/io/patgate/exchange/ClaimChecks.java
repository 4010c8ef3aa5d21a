package io.patgate.exchange;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the {@link SubjectTokenVerifier} asks of a subject token's claims, once its signature holds. First the time,
 * the same for every trust: {@code exp} required and not past, {@code nbf} and {@code iat} not in the future, each
 * within {@code patgate.oidc.clock-skew}. Then, for each trust entry of the issuer in turn, the trust's own
 * conditions: {@code aud} containing its audience, {@code sub} and the named claims matching its patterns
 * ({@link Patterns}). Each check answers the refusal that explains what failed (values from the token made safe to
 * log), or null when the claims pass.
 */
final class ClaimChecks {

    private final Clock clock;
    private final Duration skew;

    ClaimChecks(Clock clock, Duration skew) {
        this.clock = clock;
        this.skew = skew;
    }

    /** {@code exp} required and not past, {@code nbf} and {@code iat} not in the future, each within the skew. */
    Verdict.Refused timeRefusal(JWTClaimsSet claims) {
        Instant now = clock.instant();
        if (claims.getExpirationTime() == null) {
            return new Verdict.Refused(ExchangeOutcome.NO_EXPIRY, "no exp");
        }
        Instant exp = claims.getExpirationTime().toInstant();
        if (now.isAfter(exp.plus(skew))) {
            return new Verdict.Refused(
                    ExchangeOutcome.EXPIRED,
                    "exp " + exp + " is past (now " + now + ", skew " + skew.toSeconds() + " s)");
        }
        if (claims.getNotBeforeTime() != null
                && claims.getNotBeforeTime().toInstant().isAfter(now.plus(skew))) {
            return new Verdict.Refused(
                    ExchangeOutcome.NOT_YET_VALID,
                    "nbf " + claims.getNotBeforeTime().toInstant() + " is ahead (now " + now + ")");
        }
        if (claims.getIssueTime() != null && claims.getIssueTime().toInstant().isAfter(now.plus(skew))) {
            return new Verdict.Refused(
                    ExchangeOutcome.NOT_YET_VALID,
                    "iat " + claims.getIssueTime().toInstant() + " is ahead (now " + now + ")");
        }
        return null;
    }

    /** The audience, then the subject and claim patterns of one trust; null when they all hold. */
    static Verdict.Refused claimsRefusal(JWTClaimsSet claims, Trust trust) {
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(trust.audience())) {
            return new Verdict.Refused(
                    ExchangeOutcome.WRONG_AUDIENCE,
                    "aud " + safe(audience) + " does not contain " + trust.audience() + " (trust " + trust.id() + ")");
        }
        String subject = claims.getSubject();
        if (trust.subject() != null && (subject == null || !Patterns.glob(trust.subject(), subject))) {
            return new Verdict.Refused(
                    ExchangeOutcome.NO_MATCHING_TRUST,
                    "sub " + DocumentFetcher.safe(subject) + " does not match " + trust.subject() + " (trust "
                            + trust.id() + ")");
        }
        Map<String, Object> all = claims.getClaims();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, String> bound : trust.claims().entrySet()) {
            if (!Patterns.claimMatches(all, bound.getKey(), bound.getValue())) {
                mismatched.add(
                        bound.getKey() + " " + DocumentFetcher.safe(String.valueOf(Patterns.claim(all, bound.getKey())))
                                + " does not match " + bound.getValue());
            }
        }
        if (!mismatched.isEmpty()) {
            return new Verdict.Refused(
                    ExchangeOutcome.NO_MATCHING_TRUST,
                    "sub " + DocumentFetcher.safe(subject) + ": " + String.join("; ", mismatched) + " (trust "
                            + trust.id() + ")");
        }
        return null;
    }

    private static String safe(List<String> values) {
        return values == null ? "(none)" : DocumentFetcher.safe(values.toString());
    }
}
