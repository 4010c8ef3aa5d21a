package io.patgate.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The trust entries in memory, without a server: what a match needs, and what takes an entry out of play. */
class TrustStateTest {

    private static final String GITHUB = "https://token.actions.githubusercontent.com";

    private static WorkloadTrust trust(
            UUID id, UUID account, String subject, Map<String, String> claims, boolean removed, long version) {
        return new WorkloadTrust(
                id,
                account,
                GITHUB,
                "patgate",
                subject,
                claims,
                900,
                null,
                Instant.parse("2027-01-01T00:00:00Z"),
                removed,
                version);
    }

    private static IdentityState.UserState account(UUID id, boolean disabled) {
        return new IdentityState.UserState(id, "ci-deployer", Set.of("deploy"), disabled, null, null, 0);
    }

    @Test
    void anIdentityMatchesWhenIssuerAudienceSubjectAndEveryClaimDo() {
        WorkloadTrust trust = trust(
                UUID.randomUUID(),
                UUID.randomUUID(),
                "repo:acme/app:*",
                Map.of("repository", "acme/app", "environment", "prod*", "run_attempt", "1", "groups", "deployers"),
                false,
                0);
        Map<String, Object> claims = Map.of(
                "repository",
                "acme/app",
                "environment",
                "production",
                "run_attempt",
                1,
                "groups",
                List.of("readers", "deployers"));
        assertTrue(trust.matches(GITHUB, List.of("patgate"), "repo:acme/app:ref:refs/heads/main", claims));
        assertFalse(
                trust.matches(GITHUB + "/", List.of("patgate"), "repo:acme/app:ref:refs/heads/main", claims),
                "the issuer exactly");
        assertFalse(
                trust.matches(GITHUB, List.of("other", "patgat"), "repo:acme/app:ref:refs/heads/main", claims),
                "the audience among aud");
        assertTrue(trust.matches(GITHUB, List.of("other", "patgate"), "repo:acme/app:ref:refs/heads/main", claims));
        assertFalse(
                trust.matches(GITHUB, List.of("patgate"), "repo:evil/app:ref:refs/heads/main", claims), "the subject");
        assertFalse(
                trust.matches(GITHUB, List.of("patgate"), "repo:acme/app:x", Map.of("repository", "acme/app")),
                "a claim absent");
        Map<String, Object> wrongEnvironment = new java.util.HashMap<>(claims);
        wrongEnvironment.put("environment", "staging");
        assertFalse(trust.matches(GITHUB, List.of("patgate"), "repo:acme/app:x", wrongEnvironment));
        Map<String, Object> objectClaim = new java.util.HashMap<>(claims);
        objectClaim.put("repository", Map.of("name", "acme/app"));
        assertFalse(
                trust.matches(GITHUB, List.of("patgate"), "repo:acme/app:x", objectClaim), "an object never matches");
        WorkloadTrust anySubject =
                trust(UUID.randomUUID(), UUID.randomUUID(), null, Map.of("repository", "acme/app"), false, 0);
        assertTrue(anySubject.matches(GITHUB, List.of("patgate"), null, Map.of("repository", "acme/app")));
    }

    @Test
    void onlyEntriesOfLiveEnabledAccountsAreOffered() {
        IdentityState accounts = new IdentityState();
        TrustState trusts = new TrustState(accounts);
        UUID enabled = UUID.randomUUID();
        UUID disabled = UUID.randomUUID();
        UUID deleted = UUID.randomUUID();
        accounts.putUser(account(enabled, false));
        accounts.putUser(account(disabled, true));
        accounts.putUser(account(deleted, false));
        accounts.removeUser(deleted);
        WorkloadTrust good = trust(UUID.randomUUID(), enabled, "a", Map.of(), false, 0);
        trusts.load(List.of(
                good,
                trust(UUID.randomUUID(), disabled, "b", Map.of(), false, 0),
                trust(UUID.randomUUID(), deleted, "c", Map.of(), false, 0)));
        assertEquals(List.of(good), trusts.forIssuer(GITHUB));
        assertEquals(List.of(), trusts.forIssuer("https://gitlab.com"));
        assertTrue(trusts.knowsIssuer(GITHUB));
        // enabling the account (through the feed) brings its entry back
        accounts.putUser(new IdentityState.UserState(disabled, "ci-deployer", Set.of("deploy"), false, null, null, 1));
        assertEquals(2, trusts.forIssuer(GITHUB).size());
    }

    @Test
    void aRemovalIsFinalAndAnOlderCopyNeverReplacesANewerOne() {
        IdentityState accounts = new IdentityState();
        UUID account = UUID.randomUUID();
        accounts.putUser(account(account, false));
        TrustState trusts = new TrustState(accounts);
        UUID id = UUID.randomUUID();
        trusts.apply(trust(id, account, "new", Map.of(), false, 2));
        trusts.apply(trust(id, account, "old", Map.of(), false, 1)); // a feed round that read the row before the change
        assertEquals("new", trusts.trust(id).subject());
        trusts.apply(trust(id, account, "new", Map.of(), true, 3));
        assertNull(trusts.trust(id));
        trusts.apply(trust(id, account, "new", Map.of(), false, 2)); // a late read from before the removal
        trusts.load(List.of(trust(id, account, "new", Map.of(), false, 2))); // a full load whose snapshot predates it
        assertNull(trusts.trust(id));
        assertEquals(List.of(), trusts.forIssuer(GITHUB));
    }

    @Test
    void aReadFromThePrimaryIsTakenUnlessAReloadOrARemovalOvertookIt() {
        IdentityState accounts = new IdentityState();
        UUID account = UUID.randomUUID();
        accounts.putUser(account(account, false));
        TrustState trusts = new TrustState(accounts);
        UUID created = UUID.randomUUID();
        long before = trusts.generation();
        assertTrue(trusts.applyRead(List.of(trust(created, account, "a", Map.of(), false, 1)), before));
        assertEquals("a", trusts.trust(created).subject(), "a trust this replica had not heard of yet");

        // read, then removed, then a reload whose snapshot leaves it out (the feed was down): the read lands last
        UUID removedMeanwhile = UUID.randomUUID();
        long reading = trusts.generation();
        trusts.load(List.of(trust(created, account, "a", Map.of(), false, 1)));
        assertFalse(trusts.applyRead(List.of(trust(removedMeanwhile, account, "b", Map.of(), false, 1)), reading));
        assertNull(trusts.trust(removedMeanwhile), "a read older than a reload must not bring an entry back");

        // removed through the feed while the read ran: final
        trusts.apply(trust(created, account, "a", Map.of(), true, 2));
        assertTrue(trusts.applyRead(List.of(trust(created, account, "a", Map.of(), false, 1)), trusts.generation()));
        assertNull(trusts.trust(created));
        assertEquals(List.of(), trusts.forIssuer(GITHUB));
    }
}
