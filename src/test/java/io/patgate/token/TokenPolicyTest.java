package io.patgate.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.patgate.domain.Cidr;
import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The token rules at a fixed instant: milliseconds, no Quarkus, no database. */
class TokenPolicyTest {

    private static final Instant NOW = Instant.parse("2027-03-01T12:00:00Z");
    private static final TokenPolicy.Limits LIMITS =
            new TokenPolicy.Limits(Duration.ofDays(365), Duration.ofDays(30), false, 3);
    private final TokenPolicy policy = new TokenPolicy(LIMITS, Clock.fixed(NOW.plusMillis(750), ZoneOffset.UTC));

    private static final Caller SESSION = new Caller(
            UUID.randomUUID(),
            "ada",
            Set.of("deploy", "read"),
            Caller.AuthMethod.SESSION,
            UUID.randomUUID(),
            null,
            NOW,
            NOW.plus(Duration.ofHours(8)),
            List.of());

    private static Caller pat(Set<String> scopes, Instant expiresAt) {
        return new Caller(
                SESSION.userId(),
                "ada",
                Set.of("deploy", "read"),
                Caller.AuthMethod.PAT,
                UUID.randomUUID(),
                scopes,
                NOW,
                expiresAt,
                List.of());
    }

    private static Refusal refused(Refusal.Kind kind, String field, Executable call) {
        Refusal refusal = assertThrows(Refusal.class, call);
        assertEquals(kind, refusal.kind(), refusal.detail());
        if (field != null) {
            assertEquals(field, refusal.errors().get(0).field());
        }
        return refusal;
    }

    @Test
    void nowIsTheClocksToTheSecond() {
        assertEquals(NOW, policy.now());
    }

    @Test
    void expiryDefaultsToTheDefaultLifetimeAndTakesOneOfThreeForms() {
        assertEquals(NOW.plus(Duration.ofDays(30)), policy.expiry(SESSION, NOW, null, null, null));
        assertEquals(NOW.plus(Duration.ofDays(7)), policy.expiry(SESSION, NOW, null, 7, null));
        assertEquals(
                Instant.parse("2027-04-01T00:00:00Z"),
                policy.expiry(SESSION, NOW, Instant.parse("2027-04-01T00:00:00.999Z"), null, null));
        refused(
                Refusal.Kind.INVALID,
                "expiresAt",
                () -> policy.expiry(SESSION, NOW, NOW.plus(Duration.ofDays(2)), 2, null));
        refused(Refusal.Kind.INVALID, "expiresAt", () -> policy.expiry(SESSION, NOW, null, 2, true));
    }

    @Test
    void expiryBoundsHoldWithFiveMinutesOfSlack() {
        refused(Refusal.Kind.INVALID, "expiresInDays", () -> policy.expiry(SESSION, NOW, null, 0, null));
        refused(Refusal.Kind.INVALID, "expiresInDays", () -> policy.expiry(SESSION, NOW, null, 366, null));
        assertEquals(NOW.plus(Duration.ofDays(365)), policy.expiry(SESSION, NOW, null, 365, null));
        // "a day from now", sent a few minutes ago, still counts as a day
        Instant aDayLessFourMinutes = NOW.plus(Duration.ofDays(1)).minus(Duration.ofMinutes(4));
        assertEquals(aDayLessFourMinutes, policy.expiry(SESSION, NOW, aDayLessFourMinutes, null, null));
        refused(
                Refusal.Kind.INVALID,
                "expiresAt",
                () -> policy.expiry(
                        SESSION, NOW, NOW.plus(Duration.ofDays(1)).minus(Duration.ofMinutes(6)), null, null));
        refused(
                Refusal.Kind.INVALID,
                "expiresAt",
                () -> policy.expiry(SESSION, NOW, NOW.minus(Duration.ofDays(1)), null, null));
        refused(
                Refusal.Kind.INVALID,
                "expiresAt",
                () -> policy.expiry(
                        SESSION, NOW, NOW.plus(Duration.ofDays(365)).plus(Duration.ofMinutes(6)), null, null));
    }

    @Test
    void neverExpiringOnlyWhereAllowed() {
        refused(Refusal.Kind.INVALID, "neverExpires", () -> policy.expiry(SESSION, NOW, null, null, true));
        TokenPolicy permissive = new TokenPolicy(
                new TokenPolicy.Limits(Duration.ofDays(365), Duration.ofDays(30), true, 3), Clock.systemUTC());
        assertNull(permissive.expiry(SESSION, NOW, null, null, true));
    }

    @Test
    void aTokenNeverOutlivesTheTokenThatMadeIt() {
        Instant makerExpires = NOW.plus(Duration.ofDays(3));
        Caller maker = pat(Set.of("deploy", "tokens"), makerExpires);
        assertEquals(
                makerExpires,
                policy.expiry(maker, NOW, null, null, null),
                "no expiry asked for: it dies with its maker");
        assertEquals(NOW.plus(Duration.ofDays(2)), policy.expiry(maker, NOW, null, 2, null));
        refused(Refusal.Kind.FORBIDDEN, null, () -> policy.expiry(maker, NOW, null, 4, null));
        TokenPolicy permissive = new TokenPolicy(
                new TokenPolicy.Limits(Duration.ofDays(365), Duration.ofDays(30), true, 3), Clock.systemUTC());
        refused(Refusal.Kind.FORBIDDEN, null, () -> permissive.expiry(maker, NOW, null, null, true));
    }

    @Test
    void scopesAreAmongTheRolesAndAPatGrantsOnlyWhatItHolds() {
        assertEquals(Set.of("deploy", "read"), TokenPolicy.scopes(SESSION, null));
        assertEquals(Set.of("deploy", "tokens"), TokenPolicy.scopes(SESSION, List.of("tokens", "deploy", "deploy")));
        refused(Refusal.Kind.INVALID, "scopes", () -> TokenPolicy.scopes(SESSION, List.of("admin")));
        Caller narrow = pat(Set.of("read", "tokens"), null);
        assertEquals(Set.of("read"), TokenPolicy.scopes(narrow, null), "a PAT's default: the roles it holds as scopes");
        refused(Refusal.Kind.FORBIDDEN, null, () -> TokenPolicy.scopes(narrow, List.of("deploy")));
        refused(
                Refusal.Kind.INVALID,
                "scopes",
                () -> TokenPolicy.scopesFor(SESSION, Set.of("read"), List.of("deploy")));
        refused(Refusal.Kind.FORBIDDEN, null, () -> TokenPolicy.requireHeldScopes(narrow, List.of("deploy")));
        refused(Refusal.Kind.FORBIDDEN, null, () -> TokenPolicy.requireManager(pat(Set.of("read"), null)));
    }

    @Test
    void quotaNamesAndDescriptions() {
        policy.requireBelowQuota(2);
        refused(Refusal.Kind.LIMIT_REACHED, null, () -> policy.requireBelowQuota(3));
        assertEquals("ci 🚀", TokenPolicy.name("ci 🚀"));
        TokenPolicy.name("x".repeat(63) + "🚀");
        refused(Refusal.Kind.INVALID, "name", () -> TokenPolicy.name("x".repeat(65)));
        refused(Refusal.Kind.INVALID, "name", () -> TokenPolicy.name("  "));
        refused(Refusal.Kind.INVALID, "name", () -> TokenPolicy.name("line\nbreak"));
        assertNull(TokenPolicy.description(null));
        refused(Refusal.Kind.INVALID, "description", () -> TokenPolicy.description("d".repeat(257)));
    }

    @Test
    void networksAreCanonicalAndNeverWiderThanTheMakers() {
        assertEquals(
                List.of("10.0.0.0/8", "192.0.2.7/32"),
                TokenPolicy.cidrs(List.of("10.1.2.3/8", "192.0.2.7", "10.0.0.0/8")));
        refused(Refusal.Kind.INVALID, "allowedCidrs[1]", () -> TokenPolicy.cidrs(List.of("10.0.0.0/8", "example.com")));
        List<Cidr> maker = List.of(Cidr.parse("10.0.0.0/8").orElseThrow());
        assertEquals(List.of("10.0.0.0/8"), TokenPolicy.cidrsFor(maker, List.of()), "by default, the maker's networks");
        assertEquals(List.of("10.1.0.0/16"), TokenPolicy.cidrsFor(maker, List.of("10.1.0.0/16")));
        refused(Refusal.Kind.FORBIDDEN, null, () -> TokenPolicy.cidrsFor(maker, List.of("192.0.2.0/24")));
        assertEquals(List.of("192.0.2.0/24"), TokenPolicy.cidrsFor(List.of(), List.of("192.0.2.0/24")));
        TokenPolicy.requireNoWiderNetworks(maker, new String[] {"10.2.0.0/16"});
        refused(Refusal.Kind.FORBIDDEN, null, () -> TokenPolicy.requireNoWiderNetworks(maker, new String[0]));
        refused(
                Refusal.Kind.FORBIDDEN,
                null,
                () -> TokenPolicy.requireNoWiderNetworks(maker, new String[] {"0.0.0.0/0"}));
    }
}
