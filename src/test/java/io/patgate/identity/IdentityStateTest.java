package io.patgate.identity;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory state's rules, without a server: what a late look-up or a stale index entry may not do. */
class IdentityStateTest {

    private static ByteBuffer digest(String value) {
        return ByteBuffer.wrap(Digests.sha256(value));
    }

    private static TokenState token(UUID id, UUID owner, String current, String previous, Instant previousUntil) {
        return new TokenState(id, owner, Set.of("deploy"), List.of(), Instant.now(), null, null, digest(current),
                previous == null ? null : digest(previous), previousUntil);
    }

    @Test
    void aLookUpThatReadBeforeADeleteCannotBringTheAccountBack() {
        IdentityState state = new IdentityState();
        UUID id = UUID.randomUUID();
        IdentityState.UserState user = new IdentityState.UserState(id, "gone", Set.of("admin"), false, null, null);
        state.putUser(user);
        state.removeUser(id);          // the delete, through the change feed
        state.putUserIfAbsent(user);   // a look-up whose SELECT ran before the delete committed
        assertNull(state.user(id));
    }

    @Test
    void onlyThePreviousValueLivesThroughTheGracePeriodNotAnOlderOne() {
        Instant now = Instant.now();
        UUID id = UUID.randomUUID();
        TokenState twiceRegenerated = token(id, UUID.randomUUID(), "value-c", "value-b", now.plusSeconds(600));
        assertTrue(CredentialVerifier.isLiveValue(twiceRegenerated, digest("value-c"), now));
        assertTrue(CredentialVerifier.isLiveValue(twiceRegenerated, digest("value-b"), now));
        assertFalse(CredentialVerifier.isLiveValue(twiceRegenerated, digest("value-a"), now), "the value before the previous one is dead");
        assertFalse(CredentialVerifier.isLiveValue(twiceRegenerated, digest("value-b"), now.plusSeconds(601)), "the grace period ends");
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
}
