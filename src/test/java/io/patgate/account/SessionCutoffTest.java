package io.patgate.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The cut-off that ends sessions: a session signed in after an admin's password reset within the same second carries
 * the reset's cut-off as its issue time; disabling the account in that second must still end it (the suite once saw
 * such a session live on after a SCIM deactivation and reactivation).
 */
class SessionCutoffTest {

    private static final Instant NOW = Instant.parse("2026-12-07T17:49:52.270Z");

    @Test
    void withoutAnEarlierCutOffSessionsEndFromTheNextWholeSecond() {
        assertEquals(Instant.parse("2026-12-07T17:49:53Z"), SessionCutoff.after(null, NOW));
        assertEquals(
                Instant.parse("2026-12-07T17:49:53Z"), SessionCutoff.after(Instant.parse("2026-12-07T17:40:00Z"), NOW));
    }

    @Test
    void aCutOffStillAheadIsPassedSoTheSessionsStampedWithItEndToo() {
        Instant reset = Instant.parse("2026-12-07T17:49:53Z"); // an admin reset the password at 17:49:52.162
        Instant sessionIssuedAt = reset; // AuthService.issue stamps a session signed in before 53 with 53
        Instant disabled = SessionCutoff.after(reset, NOW); // disabled at 17:49:52.270
        assertTrue(sessionIssuedAt.isBefore(disabled), "the session signed in after the reset must end on disabling");
        assertEquals(Instant.parse("2026-12-07T17:49:54Z"), disabled);
    }
}
