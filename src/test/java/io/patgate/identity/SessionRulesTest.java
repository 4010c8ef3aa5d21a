package io.patgate.identity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a session's claims may say, signature aside: milliseconds, no Quarkus. */
class SessionRulesTest {

    private static final Instant NOW = Instant.parse("2027-03-01T12:00:00Z");
    private static final Duration LIFETIME = Duration.ofHours(8);

    private static JwsVerifier.Verified session(Instant issuedAt, Duration lasting) {
        return new JwsVerifier.Verified(
                "session+jwt", UUID.randomUUID(), UUID.randomUUID(), issuedAt, issuedAt.plus(lasting), "kid");
    }

    private static KeyRing.VerificationKey key(Instant retiredAt) {
        return new KeyRing.VerificationKey("kid", null, null, null, retiredAt);
    }

    @Test
    void anOrdinarySessionIsPlausible() {
        assertTrue(SessionRules.plausible(session(NOW.minus(Duration.ofHours(1)), LIFETIME), key(null), LIFETIME, NOW));
    }

    @Test
    void noSessionFromTheFutureBeyondTheClockSkew() {
        assertTrue(SessionRules.plausible(session(NOW.plusSeconds(29), LIFETIME), key(null), LIFETIME, NOW));
        assertFalse(SessionRules.plausible(session(NOW.plusSeconds(31), LIFETIME), key(null), LIFETIME, NOW));
    }

    @Test
    void noSessionLongerThanASessionLasts() {
        assertTrue(SessionRules.plausible(session(NOW, LIFETIME.plusSeconds(30)), key(null), LIFETIME, NOW));
        assertFalse(SessionRules.plausible(session(NOW, LIFETIME.plusSeconds(31)), key(null), LIFETIME, NOW));
        assertFalse(SessionRules.plausible(session(NOW, Duration.ofDays(3650)), key(null), LIFETIME, NOW));
    }

    @Test
    void aRetiredKeyVouchesOnlyForSessionsItSignedBeforeRetiringAndOnlyForALifetime() {
        Instant retired = NOW.minus(Duration.ofHours(1));
        assertTrue(SessionRules.plausible(session(retired.minusSeconds(1), LIFETIME), key(retired), LIFETIME, NOW));
        assertFalse(
                SessionRules.plausible(session(retired, LIFETIME), key(retired), LIFETIME, NOW),
                "minted with a copy of the key after its retirement");
        Instant longAgo = NOW.minus(LIFETIME).minus(Duration.ofMinutes(1));
        assertFalse(SessionRules.plausible(
                session(longAgo.minus(Duration.ofHours(1)), LIFETIME), key(longAgo), LIFETIME, NOW));
        assertFalse(
                SessionRules.plausible(session(NOW, LIFETIME), null, LIFETIME, NOW),
                "a key that is gone vouches for nothing");
    }
}
