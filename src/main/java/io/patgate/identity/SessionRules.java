package io.patgate.identity;

import java.time.Duration;
import java.time.Instant;

/**
 * A session's own claims, beyond its signature. Sessions are not digest-bound like tokens, so someone
 * holding a copy of a signing key could mint one: it must not outlive the key's retirement by more than
 * one session lifetime, may not last longer than a session does, and may not claim to be issued in the
 * future (which would also slip past a password change's cut). Pure: time is a parameter.
 */
public final class SessionRules {

    /** Clocks disagree a little: an iat this far in the future is still believed (as SmallRye JWT's own skew). */
    public static final Duration SKEW = Duration.ofSeconds(30);

    private SessionRules() {}

    /**
     * @param key             the key that signed it, null when that key is gone
     * @param sessionLifetime {@code patgate.session.lifetime}
     */
    public static boolean plausible(
            JwsVerifier.Verified session, KeyRing.VerificationKey key, Duration sessionLifetime, Instant now) {
        if (session.issuedAt().isAfter(now.plus(SKEW))) {
            return false;
        }
        if (Duration.between(session.issuedAt(), session.expiresAt()).compareTo(sessionLifetime.plus(SKEW)) > 0) {
            return false;
        }
        // a key signs only before its retirement (every replica switches by the same instant, so no skew
        // here): a session "issued" later was minted with a copy of the key, and would slip past the cut
        // that ending every session sets right after an incident rotation
        return key != null
                && (key.retiredAt() == null
                        || now.isBefore(key.retiredAt().plus(sessionLifetime).plus(SKEW))
                                && session.issuedAt().isBefore(key.retiredAt()));
    }
}
