package io.patgate.identity;

import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Everything the per-request check needs to know about accounts and sessions, held in memory. Loaded
 * from the database at start (readiness waits for it), then kept current by the service's own writes and
 * the change feed. The per-request path reads only this; it never queries the database.
 *
 * <p>Accounts and logged-out sessions are held in full. Tokens are a working set bounded by
 * {@code patgate.state.max-tokens}: the ones in use, the least used evicted first. A token not held here
 * is judged by one read ({@link TokenGapFiller}); the change feed updates only the tokens held here, or
 * being read right now, so an older read can never land over a newer change.
 */
@Singleton // on the per-request path: no client proxy between the caller and it
public class IdentityState {

    /**
     * An account as the check sees it.
     *
     * @param sessionsNotBefore sessions issued before this instant are refused; null for none
     * @param keptSession       the one session spared by that cut: the one that changed its own password; null for none
     */
    public record UserState(
            UUID id,
            String username,
            Set<String> roles,
            boolean disabled,
            Instant sessionsNotBefore,
            UUID keptSession,
            long version) {

        /** Whether a session with this id, issued at {@code issuedAt}, survives the account's session cut. */
        public boolean admitsSession(UUID jti, Instant issuedAt) {
            return sessionsNotBefore == null || !issuedAt.isBefore(sessionsNotBefore) || jti.equals(keptSession);
        }
    }

    /** Every account, and the ones deleted while this replica ran. */
    private final AccountTable users = new AccountTable();
    /** The working set of tokens, bounded, and its digest index. */
    private final TokenWorkingSet tokens;
    /** Tokens being read from the database right now (see there). */
    private final ReadMarks reading = new ReadMarks();
    /** Raised by every full load: a read that began before one must not land after it. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    /** Logged-out sessions whose JWT has not expired yet. */
    private final LoggedOutSessions revokedSessions = new LoggedOutSessions();
    /** Revoked or expired tokens remembered outside the working set; bounded. */
    private final FinalTokens finals;

    private volatile boolean loaded;
    /** While the working set is being warmed after start: the tokens the change feed touched meanwhile. */
    private volatile Set<UUID> changedWhileWarming;
    /** The database's state as of this instant is in memory: when the last successful sync began. */
    private volatile Instant syncedAt;

    /** Holds every token (tests and tools that build a state by hand). */
    public IdentityState() {
        this(Long.MAX_VALUE);
    }

    @jakarta.inject.Inject
    public IdentityState(io.patgate.config.PatgateConfig config) {
        this(config.state().maxTokens(), config.state().maxRememberedLookups());
    }

    public IdentityState(long maxTokens) {
        this(maxTokens, 10_000);
    }

    /**
     * @param maxTokens the working set's bound
     * @param maxFinals how many revoked or expired tokens outside the working set are remembered
     */
    public IdentityState(long maxTokens, long maxFinals) {
        this.finals = new FinalTokens(maxFinals);
        this.tokens = new TokenWorkingSet(maxTokens);
    }

    /**
     * Replaces the state with a snapshot: every account and session revocation, and the working set of
     * tokens (the most recently used). Held tokens not in the snapshot are dropped (a later use reads them);
     * held ones newer than the snapshot's copy stay.
     */
    public void load(Collection<UserState> allUsers, Map<UUID, Instant> revoked, Collection<TokenState> hotTokens) {
        generation.incrementAndGet();
        users.load(allUsers); // held but gone from the table: deleted while the feed was down, for good
        revokedSessions.addAll(revoked);
        Set<UUID> ids = hotTokens.stream().map(TokenState::id).collect(Collectors.toSet());
        tokens.ids().stream().filter(id -> !ids.contains(id)).toList().forEach(this::removeToken);
        finals.clear(); // a token changed while the feed was down is read again on its next use
        hotTokens.forEach(this::putToken);
        loaded = true;
    }

    /** A change from the feed: applied to a token held here or being read; any other is read fresh on its next use. */
    public void applyChange(TokenState token) {
        Set<UUID> changed = changedWhileWarming;
        if (changed != null) {
            changed.add(token.id());
        }
        if (tokens.holds(token.id()) || reading.isMarked(token.id())) {
            putToken(token);
        } else {
            finals.remember(token);
        }
    }

    /**
     * Marks a token as being read from the database, so the change feed keeps it current meanwhile.
     *
     * @return the generation to hand back to {@link #putRead}
     */
    public long reading(UUID id) {
        reading.join(id);
        return generation.get();
    }

    /** Where a read of accounts begins: hand it back to {@link #putUserIfAbsent}. */
    public long generation() {
        return generation.get();
    }

    public void doneReading(UUID id) {
        reading.leave(id);
    }

    /**
     * A token as a database read found it: held unless a newer copy is, or was while the read ran (the feed's,
     * or a local write, even one evicted since), or a full load replaced the state since the read began (the
     * read may predate changes the load took in).
     *
     * @return whether the copy was taken
     */
    public boolean putRead(TokenState token, long readGeneration) {
        boolean[] taken = {false};
        Runnable put = () -> {
            if (generation.get() == readGeneration) {
                tokens.store(token);
                finals.remember(token);
                taken[0] = true;
            }
        };
        // the check against the mark and the put are one step under the mark's lock (see ReadMarks#putIfNewest)
        if (!reading.putIfNewest(token.id(), token.version(), put)) {
            put.run(); // not marked: a read made without reading(), as tools and tests do
        }
        return taken[0];
    }

    /**
     * Starts warming the working set: call before the query that reads it. From now on the tokens the
     * change feed touches are remembered, and {@link #warm} leaves them out.
     *
     * @return the generation to hand back to {@link #warm}
     */
    public long beginWarming() {
        changedWhileWarming = ConcurrentHashMap.newKeySet();
        return generation.get();
    }

    /**
     * Holds the tokens a warming query read (the most recently used), except any the change feed touched
     * since the query began (its copy may be older than the change, and the change may have been passed
     * over because the token was not held then): those, like every token not held, are read on first use.
     * Nothing is held if a full load replaced the state meanwhile. Ends the warming.
     *
     * @return how many tokens it added
     */
    public int warm(Collection<TokenState> hotTokens, long readGeneration) {
        Set<UUID> changed = changedWhileWarming;
        try {
            if (changed == null || generation.get() != readGeneration) {
                return 0;
            }
            Set<UUID> added = new java.util.HashSet<>();
            for (TokenState token : hotTokens) {
                // not over a copy read on a first use meanwhile: as new as the warming copy, or newer
                if (!changed.contains(token.id()) && tokens.putIfAbsent(token)) {
                    added.add(token.id());
                }
            }
            // A change the feed passed over between the check above and the put (the token was not held
            // yet): drop the warm copy. Dropping is always safe; the next use reads the token fresh.
            for (UUID id : changed) {
                if (added.remove(id)) {
                    removeToken(id);
                }
            }
            return added.size();
        } finally {
            changedWhileWarming = null;
        }
    }

    public boolean isLoaded() {
        return loaded;
    }

    /**
     * Records that the state now includes everything committed on the primary before {@code asOf}: the newest database
     * heartbeat a successful round (or load) read, on the primary's clock. Only moves forward.
     */
    public void synced(Instant asOf) {
        Instant last = syncedAt;
        if (last == null || asOf.isAfter(last)) {
            syncedAt = asOf;
        }
    }

    /** The newest heartbeat the state includes (the primary's clock); null before the first load. */
    public Instant syncedAt() {
        return syncedAt;
    }

    public UserState user(UUID id) {
        return users.get(id);
    }

    /** Puts an account's state, unless this replica already holds a newer copy (a higher version). */
    public void putUser(UserState user) {
        users.put(user);
    }

    public void removeUser(UUID id) {
        users.remove(id);
    }

    public void revokeSession(UUID jti, Instant expiresAt) {
        revokedSessions.add(jti, expiresAt);
    }

    public boolean isSessionRevoked(UUID jti) {
        return revokedSessions.contains(jti);
    }

    /** Forgets revocations of sessions that have expired by themselves. */
    public int pruneSessions(Instant now) {
        return revokedSessions.prune(now);
    }

    public int userCount() {
        return users.size();
    }

    public int revokedSessionCount() {
        return revokedSessions.size();
    }

    public int tokenCount() {
        return tokens.size();
    }

    public TokenState token(UUID id) {
        return tokens.get(id);
    }

    /** The token whose current or previous value has this digest, or null. */
    public TokenState tokenByDigest(ByteBuffer digest) {
        return tokens.byDigest(digest);
    }

    /**
     * Fills a gap from a look-up that began at {@code readGeneration} ({@link AccountTable#putRead}): nothing if a full
     * load replaced the state since (the look-up may have found the account just before a delete the load took in).
     */
    public void putUserIfAbsent(UserState user, long readGeneration) {
        users.putRead(user, () -> generation.get() == readGeneration);
    }

    /** Holds a token's state, unless a newer copy is held (see {@link TokenWorkingSet#store}); marks and side cache follow. */
    public void putToken(TokenState token) {
        reading.raise(token.id(), token.version());
        tokens.store(token);
        finals.remember(token);
    }

    /**
     * A revoked or expired token that no longer needs the working set, or null: judged from memory when its value is
     * presented again (the hot path asks this before it would read the database).
     */
    public TokenState finalToken(UUID id) {
        return finals.get(id);
    }

    public void removeToken(UUID id) {
        tokens.remove(id);
    }
}
