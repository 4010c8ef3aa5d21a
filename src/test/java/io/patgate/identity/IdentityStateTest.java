package io.patgate.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The in-memory state's rules, without a server: what a late look-up or a stale index entry may not do. */
class IdentityStateTest {

    private static ByteBuffer digest(String value) {
        return ByteBuffer.wrap(Digests.sha256(value));
    }

    private static TokenState token(UUID id, UUID owner, String current, String previous, Instant previousUntil) {
        return new TokenState(
                id,
                owner,
                Set.of("deploy"),
                List.of(),
                Instant.now(),
                null,
                null,
                digest(current),
                previous == null ? null : digest(previous),
                previousUntil,
                0);
    }

    @Test
    void aLookUpThatReadBeforeADeleteCannotBringTheAccountBack() {
        IdentityState state = new IdentityState();
        UUID id = UUID.randomUUID();
        IdentityState.UserState user = new IdentityState.UserState(id, "gone", Set.of("admin"), false, null, null, 0);
        state.putUser(user);
        long generation = state.reading(UUID.randomUUID()); // a look-up of one of its tokens begins
        state.removeUser(id); // the delete, through the change feed
        state.putUserIfAbsent(user, generation); // the look-up's SELECT ran before the delete committed
        assertNull(state.user(id));
    }

    @Test
    void onlyThePreviousValueLivesThroughTheGracePeriodNotAnOlderOne() {
        Instant now = Instant.now();
        UUID id = UUID.randomUUID();
        TokenState twiceRegenerated = token(id, UUID.randomUUID(), "value-c", "value-b", now.plusSeconds(600));
        assertTrue(CredentialVerifier.isLiveValue(twiceRegenerated, digest("value-c"), now));
        assertTrue(CredentialVerifier.isLiveValue(twiceRegenerated, digest("value-b"), now));
        assertFalse(
                CredentialVerifier.isLiveValue(twiceRegenerated, digest("value-a"), now),
                "the value before the previous one is dead");
        assertFalse(
                CredentialVerifier.isLiveValue(twiceRegenerated, digest("value-b"), now.plusSeconds(601)),
                "the grace period ends");
    }

    @Test
    void aRegenerationLeavesNoIndexEntryForTheValueItReplacedTwiceOver() {
        IdentityState state = new IdentityState();
        UUID id = UUID.randomUUID();
        UUID owner = UUID.randomUUID();
        Instant until = Instant.now().plusSeconds(600);
        state.putToken(token(id, owner, "value-a", null, null));
        state.putToken(token(id, owner, "value-b", "value-a", until));
        state.putToken(token(id, owner, "value-c", "value-b", until));
        assertNull(state.tokenByDigest(digest("value-a")));
        assertEquals(id, state.tokenByDigest(digest("value-b")).id());
        assertEquals(id, state.tokenByDigest(digest("value-c")).id());
        state.removeToken(id);
        assertNull(state.tokenByDigest(digest("value-b")));
        assertNull(state.tokenByDigest(digest("value-c")));
    }

    @Test
    void anOlderCopyOfARowNeverReplacesANewerOne() {
        IdentityState state = new IdentityState();
        UUID id = UUID.randomUUID();
        UUID owner = UUID.randomUUID();
        TokenState live = token(id, owner, "v1", null, null);
        TokenState revoked = new TokenState(
                id,
                owner,
                live.scopes(),
                live.allowedCidrs(),
                live.issuedAt(),
                null,
                Instant.now(),
                live.digest(),
                null,
                null,
                1);
        state.putToken(revoked); // this replica's own revocation, after its commit
        state.putToken(live); // a feed round that read the row just before that commit
        assertEquals(revoked, state.token(id), "the revocation stands");
        IdentityState.UserState disabled = new IdentityState.UserState(owner, "ada", Set.of(), true, null, null, 4);
        state.putUser(disabled);
        state.putUser(new IdentityState.UserState(owner, "ada", Set.of(), false, null, null, 3));
        assertEquals(disabled, state.user(owner), "the account stays disabled");
        IdentityState.UserState enabledAgain =
                new IdentityState.UserState(owner, "ada", Set.of(), false, null, null, 5);
        state.putUser(enabledAgain);
        assertEquals(enabledAgain, state.user(owner), "a newer copy does replace it");
    }

    private static TokenState revoked(TokenState token) {
        return new TokenState(
                token.id(),
                token.userId(),
                token.scopes(),
                token.allowedCidrs(),
                token.issuedAt(),
                token.expiresAt(),
                Instant.now(),
                token.digest(),
                token.previousDigest(),
                token.previousValidUntil(),
                token.version() + 1);
    }

    @Test
    void warmingBringsInTheWorkingSetButNoCopyOlderThanAChangeTheFeedSawMeanwhile() {
        IdentityState state = new IdentityState();
        UUID owner = UUID.randomUUID();
        TokenState quiet = token(UUID.randomUUID(), owner, "quiet", null, null);
        TokenState revokedMeanwhile = token(UUID.randomUUID(), owner, "revoked-meanwhile", null, null);
        long generation = state.beginWarming();
        // the warming query has read both; before it lands, the feed brings the revocation of one, which is
        // not held yet and so is passed over
        state.applyChange(revoked(revokedMeanwhile));
        assertNull(state.token(revokedMeanwhile.id()));
        assertEquals(1, state.warm(List.of(quiet, revokedMeanwhile), generation));
        assertEquals(quiet, state.tokenByDigest(digest("quiet")));
        assertNull(
                state.tokenByDigest(digest("revoked-meanwhile")),
                "left to be read fresh on first use, never the warm copy");
    }

    @Test
    void warmingNeverReplacesACopyAFirstUseReadMeanwhile() {
        IdentityState state = new IdentityState();
        UUID owner = UUID.randomUUID();
        TokenState warmCopy = token(UUID.randomUUID(), owner, "value", null, null);
        long generation = state.beginWarming();
        state.putRead(revoked(warmCopy), state.reading(warmCopy.id())); // a first use read it, revoked, meanwhile
        state.doneReading(warmCopy.id());
        state.warm(List.of(warmCopy), generation);
        assertTrue(state.tokenByDigest(digest("value")).isRevoked());
    }

    @Test
    void aWarmingOvertakenByAFullLoadAddsNothing() {
        IdentityState state = new IdentityState();
        UUID owner = UUID.randomUUID();
        TokenState stale = token(UUID.randomUUID(), owner, "stale", null, null);
        long generation = state.beginWarming();
        state.load(
                List.of(),
                java.util.Map.of(),
                List.of()); // a reconnect reloaded everything: the token is revoked there
        assertEquals(0, state.warm(List.of(stale), generation));
        assertNull(state.tokenByDigest(digest("stale")));
        // and the warming is over: later changes to tokens not held are passed over as usual
        state.applyChange(stale);
        assertNull(state.token(stale.id()));
    }

    @Test
    void warmingStaysWithinTheBound() {
        IdentityState state = new IdentityState(50);
        UUID owner = UUID.randomUUID();
        List<TokenState> many = java.util.stream.IntStream.range(0, 500)
                .mapToObj(i -> token(UUID.randomUUID(), owner, "value-" + i, null, null))
                .toList();
        state.warm(many, state.beginWarming());
        assertTrue(state.tokenCount() <= 50, "held " + state.tokenCount());
        long indexed = many.stream()
                .filter(t -> state.tokenByDigest(t.digest()) != null)
                .count();
        assertEquals(state.tokenCount(), indexed, "every digest indexed belongs to a held token");
    }
}
