package io.patgate.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * A database read of a token that began before the token was revoked must never land over the revocation, whatever
 * happens in between: the revocation held and then evicted from a full working set, a full reload, many threads.
 * Drives the real {@link IdentityState} through the same calls {@link TokenGapFiller} and the change feed make.
 */
class StaleReadTest {

    private static final UUID OWNER = UUID.randomUUID();

    private static ByteBuffer digest(UUID id) {
        return ByteBuffer.wrap(Digests.sha256("value-of-" + id));
    }

    private static TokenState active(UUID id, long version) {
        return new TokenState(
                id,
                OWNER,
                Set.of("deploy"),
                List.of(),
                Instant.now(),
                Instant.now().plusSeconds(3600),
                null,
                digest(id),
                null,
                null,
                version);
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
                null,
                null,
                token.version() + 1);
    }

    /** What the check would do with this value: accept it only when it is held, live and not revoked. */
    private static boolean accepted(IdentityState state, UUID id) {
        TokenState held = state.tokenByDigest(digest(id));
        return held != null && !held.isRevoked() && CredentialVerifier.isLiveValue(held, digest(id), Instant.now());
    }

    /**
     * The reviewer's interleaving: a read of T sees it active (v5); T is revoked, and the feed stores v6 because T is
     * being read; cold reads of 2,000 other tokens evict v6 from the full working set; then the stale read lands.
     */
    @Test
    void aReadThatBeganBeforeARevocationDoesNotLandAfterTheRevocationWasEvicted() {
        IdentityState state = new IdentityState(100);
        UUID t = UUID.randomUUID();
        TokenState v5 = active(t, 5);

        long generation = state.reading(t); // the read starts, its SELECT sees v5
        state.applyChange(revoked(v5)); // the revocation (v6) arrives through the feed meanwhile
        assertFalse(accepted(state, t));
        for (int i = 0; i < 2_000; i++) { // other cold reads fill the working set: v6 is evicted
            UUID other = UUID.randomUUID();
            state.putRead(active(other, 0), state.reading(other));
            state.doneReading(other);
        }
        assertNull(state.token(t), "the revocation was evicted, as the reviewer saw");

        assertFalse(state.putRead(v5, generation), "the stale copy is dropped");
        state.doneReading(t);
        assertFalse(accepted(state, t), "a revoked token never comes back");

        // the next use reads the row afresh and finds it revoked; that copy is taken
        long next = state.reading(t);
        assertTrue(state.putRead(revoked(v5), next));
        state.doneReading(t);
        assertFalse(accepted(state, t));
    }

    @Test
    void aLocalRevocationOfATokenBeingReadAlsoRaisesTheMark() {
        IdentityState state = new IdentityState(1);
        UUID t = UUID.randomUUID();
        TokenState v5 = active(t, 5);
        long generation = state.reading(t);
        state.putToken(revoked(v5)); // this replica's own revocation, after its commit
        state.putRead(active(UUID.randomUUID(), 0), generation); // evicts it from a working set of one
        assertFalse(state.putRead(v5, generation));
        assertFalse(accepted(state, t));
    }

    @Test
    void twoReadsOfOneTokenShareTheMarkUntilTheLastOneEnds() {
        IdentityState state = new IdentityState(1);
        UUID t = UUID.randomUUID();
        TokenState v5 = active(t, 5);
        long first = state.reading(t);
        long second = state.reading(t);
        state.applyChange(revoked(v5));
        state.doneReading(t); // the first read ends (it found nothing, say)
        state.putRead(active(UUID.randomUUID(), 0), first); // evicts the revocation
        assertFalse(state.putRead(v5, second), "the second read still sees the mark the first one shared");
        state.doneReading(t);
        assertFalse(accepted(state, t));
    }

    @Test
    void aLookUpThatSpansAFullReloadCannotBringBackAnAccountDeletedWhileTheFeedWasDown() {
        IdentityState state = new IdentityState();
        UUID gone = UUID.randomUUID();
        IdentityState.UserState user = new IdentityState.UserState(gone, "gone", Set.of("admin"), false, null, null, 0);
        state.load(List.of(user), Map.of(), List.of());
        long generation = state.reading(
                UUID.randomUUID()); // a look-up of one of the account's tokens begins and finds the account
        state.load(List.of(), Map.of(), List.of()); // the feed was down while it was deleted; the reconnect reloads
        state.putUserIfAbsent(user, generation);
        assertNull(state.user(gone));
        // even a look-up that began after the reload but found the row just before the delete committed
        state.putUserIfAbsent(user, state.reading(UUID.randomUUID()));
        assertNull(state.user(gone), "the reload tombstoned the account it no longer found");
    }

    @Test
    void revokedAndExpiredTokensOutsideTheWorkingSetAreJudgedWithoutAnotherRead() {
        IdentityState state = new IdentityState(1, 100);
        UUID t = UUID.randomUUID();
        TokenState v1 = revoked(active(t, 0));
        state.putRead(v1, state.reading(t));
        state.doneReading(t);
        state.putRead(active(UUID.randomUUID(), 0), state.reading(UUID.randomUUID())); // evicts it
        assertNull(state.token(t));
        assertEquals(v1, state.finalToken(t), "remembered as revoked outside the working set");
        // an expired token's remembered copy goes when a newer, live copy arrives (a regeneration)
        UUID e = UUID.randomUUID();
        TokenState expired = new TokenState(
                e,
                OWNER,
                Set.of(),
                List.of(),
                Instant.now().minusSeconds(90),
                Instant.now().minusSeconds(30),
                null,
                digest(e),
                null,
                null,
                3);
        state.putRead(expired, state.reading(e));
        state.doneReading(e);
        assertEquals(expired, state.finalToken(e));
        state.applyChange(active(e, 4));
        assertNull(state.finalToken(e), "regenerated: read again on its next use");
    }

    /**
     * Many threads reading, revoking and evicting at once. Invariant: once a revocation has been applied by the feed
     * (it is visible), the token's value is never accepted again, at any later moment.
     */
    @RepeatedTest(5)
    void underContentionNothingRevokedIsEverAcceptedAfterTheFeedAppliedIt() throws Exception {
        IdentityState state = new IdentityState(16);
        int tokenCount = 400;
        List<UUID> ids = new ArrayList<>();
        Map<UUID, AtomicReference<TokenState>> database = new ConcurrentHashMap<>();
        for (int i = 0; i < tokenCount; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            database.put(id, new AtomicReference<>(active(id, 0)));
        }
        Set<UUID> revokedVisible = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> violation = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch started = new CountDownLatch(8);
        List<java.util.concurrent.Future<?>> work = new ArrayList<>();
        for (int r = 0;
                r < 4;
                r++) { // readers: the gap filler's steps, with a pause between the SELECT and the landing
            work.add(pool.submit(() -> {
                started.countDown();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    UUID id = ids.get(random.nextInt(tokenCount));
                    long generation = state.reading(id);
                    TokenState row = database.get(id).get();
                    // the query's round trip: the revocation and other reads' landings happen meanwhile
                    java.util.concurrent.locks.LockSupport.parkNanos(random.nextInt(200_000));
                    state.putRead(row, generation);
                    state.doneReading(id);
                }
            }));
        }
        for (int e = 0; e < 2; e++) { // other clients' cold tokens, read and landing all the time: they evict
            work.add(pool.submit(() -> {
                started.countDown();
                while (!stop.get()) {
                    UUID other = UUID.randomUUID();
                    state.putRead(active(other, 0), state.reading(other));
                    state.doneReading(other);
                }
            }));
        }
        work.add(pool.submit(
                () -> { // the revoker: commit, then the feed applies it, then it is visible
                    started.countDown();
                    for (UUID id : ids) {
                        if (stop.get()) {
                            break;
                        }
                        TokenState now = database.get(id).get();
                        TokenState gone = revoked(now);
                        database.get(id).set(gone);
                        state.applyChange(gone);
                        revokedVisible.add(id);
                        java.util.concurrent.locks.LockSupport.parkNanos(500_000);
                    }
                }));
        for (int c = 0; c < 1; c++) { // a checker: a revoked token seen as accepted after its revocation was visible
            work.add(pool.submit(() -> {
                started.countDown();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    UUID id = ids.get(random.nextInt(tokenCount));
                    boolean visible = revokedVisible.contains(id);
                    if (visible && accepted(state, id)) {
                        violation.compareAndSet(null, "token " + id + " accepted after its revocation was applied");
                    }
                }
            }));
        }
        started.await();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (revokedVisible.size() < tokenCount && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(200); // let the readers keep landing stale copies for a while after the last revocation
        stop.set(true);
        for (var f : work) {
            f.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertNull(violation.get());
        for (UUID id : revokedVisible) {
            assertFalse(accepted(state, id), "token " + id + " accepted at the end");
        }
        assertTrue(revokedVisible.size() > 50, "the revoker got through a fair share: " + revokedVisible.size());
    }
}
