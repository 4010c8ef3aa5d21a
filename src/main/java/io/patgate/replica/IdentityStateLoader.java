package io.patgate.replica;

import io.patgate.identity.IdentityState;
import io.patgate.identity.TokenState;
import io.patgate.identity.TrustState;
import io.patgate.identity.UsageTracker;
import io.patgate.identity.WorkloadTrust;
import io.patgate.store.StateRows;
import io.patgate.store.TrustRows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Reads the identity state from the database into memory: all of it at start (and after a reconnect), the working set
 * of tokens once the replica serves, and what changed since the last round. One token for a request that carries a
 * token this replica has not seen is read by {@link TokenReads}.
 */
@ApplicationScoped
public class IdentityStateLoader {

    private static final Logger LOG = Logger.getLogger(IdentityStateLoader.class);
    static final String LIVE_USERS =
            "select id, username, roles, disabled, sessions_not_before, kept_session, row_version from app_user where deleted_at is null";

    /** The rounds' and cold reads' source: a standby when {@code patgate.datasource.read-url} names one. */
    private final Pool pool;

    private final ReadPool pools;
    private final IdentityState state;
    private final TrustState trusts;
    private final UsageTracker usage;
    private final long maxTokens;

    public IdentityStateLoader(
            ReadPool pools,
            IdentityState state,
            TrustState trusts,
            UsageTracker usage,
            io.patgate.config.PatgateConfig config) {
        this.maxTokens = config.state().maxTokens();
        this.pools = pools;
        this.pool = pools.reads();
        this.state = state;
        this.trusts = trusts;
        this.usage = usage;
    }

    /**
     * The oldest transaction still running at the snapshot (everything older is visible in it), the newest heartbeat in
     * it (every change committed on the primary before that beat was written is in this snapshot), and, on a standby,
     * how far it has replayed. A primary answers -1 there: {@code pg_last_wal_replay_lsn()} is null only on one that
     * started without recovery, and keeps where its last recovery ended on one that crashed once or was promoted, which
     * would make every round look behind the feed forever (a primary that had crashed saw 60 rounds a second, idle).
     */
    static final String WATERMARK = "select pg_snapshot_xmin(pg_current_snapshot())::text,"
            + " (select beat_at from patgate_heartbeat where id = 1),"
            + " case when pg_is_in_recovery() then coalesce((pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::int8, -1)"
            + " else -1 end";

    /** A repeatable-read, read-only transaction: every query of a load sees one snapshot. */
    private static final String SNAPSHOT = "set transaction isolation level repeatable read, read only";

    private static final String ALL_SESSION_REVOCATIONS =
            "select jti, expires_at from session_revocation where expires_at > now()";
    /**
     * The working set at start or after a reconnect: the tokens in use, most recently used first, up to
     * {@code patgate.state.max-tokens}. A top-N sort over the live tokens (no index on the last use: see V19).
     */
    private static final String HOT_TOKENS = "select " + StateRows.COLUMNS + ", " + StateRows.USAGE_COLUMNS
            + " from access_token t join app_user u on u.id = t.user_id" + StateRows.USAGE_JOIN
            + " where u.deleted_at is null and t.revoked_at is null order by g.last_used_at desc nulls last, t.created_at desc limit $1";

    private static final String USERS_SINCE =
            "select id, username, roles, disabled, sessions_not_before, kept_session, row_version, deleted_at"
                    + " from app_user where change_xid >= $1::xid8";
    private static final String SESSIONS_SINCE =
            "select jti, expires_at from session_revocation where change_xid >= $1::xid8";
    private static final String TOKENS_SINCE =
            "select " + StateRows.COLUMNS + " from access_token t where t.change_xid >= $1::xid8";
    private static final String KEYS_SINCE = "select count(*) from signing_key where change_xid >= $1::xid8";
    /** The trust entries of service accounts (the token exchange's): every live one, held in full like the accounts. */
    private static final String LIVE_TRUSTS =
            "select " + TrustRows.COLUMNS + " from service_account_trust where removed_at is null";

    private static final String TRUSTS_SINCE =
            "select " + TrustRows.COLUMNS + " from service_account_trust where change_xid >= $1::xid8";

    /** What one snapshot held. */
    private record Snapshot(
            Mark mark, RowSet<Row> users, RowSet<Row> sessions, RowSet<Row> tokens, RowSet<Row> trusts, boolean keys) {}

    /**
     * Where a load or a round got to: the watermark to pass to {@link #applyChangesSince} next, and the newest
     * heartbeat its snapshot held (the primary's clock; null only on a schema without the heartbeat row), and the WAL
     * position a standby had replayed when the snapshot was taken (-1 on the primary).
     */
    public record Mark(String watermark, Instant beat, long replayedLsn) {}

    /** How much a full load brought in. */
    private record Loaded(int users, int tokens, int trusts) {}

    /**
     * Replaces the state with what the database holds now: every account and session revocation, and the
     * working set of tokens.
     *
     * @param stillCurrent checked before anything is applied: false when the caller gave this load up
     * @param withTokens whether to read the working set too; at start it is read after readiness, by {@link #warm}
     * @return the watermark to pass to {@link #applyChangesSince} next, and the heartbeat the load included
     */
    public Uni<Mark> loadAll(BooleanSupplier stillCurrent, boolean withTokens) {
        long started = System.nanoTime();
        // the client queues the queries on the one connection, in order, inside one snapshot: users, sessions
        // and tokens agree with each other and with the watermark
        return pool.withTransaction(conn -> conn.query(SNAPSHOT)
                        .execute()
                        .chain(() -> Uni.combine()
                                .all()
                                .unis(
                                        conn.query(WATERMARK).execute(),
                                        conn.query(LIVE_USERS).execute(),
                                        conn.query(ALL_SESSION_REVOCATIONS).execute(),
                                        conn.preparedQuery(HOT_TOKENS).execute(Tuple.of(withTokens ? maxTokens : 0)),
                                        conn.query(LIVE_TRUSTS).execute())
                                .with((mark, users, sessions, tokens, trusts) ->
                                        new Snapshot(mark(mark), users, sessions, tokens, trusts, false))))
                .map(snapshot -> {
                    if (!stillCurrent.getAsBoolean()) {
                        throw new IllegalStateException("superseded state load");
                    }
                    Loaded loaded = replaceAll(snapshot);
                    LOG.infof(
                            "Identity state loaded: %d users, %d tokens, %d trust entries in %d ms",
                            loaded.users(),
                            loaded.tokens(),
                            loaded.trusts(),
                            (System.nanoTime() - started) / 1_000_000);
                    return snapshot.mark();
                });
    }

    /**
     * Reads the working set (the most recently used tokens, up to {@code patgate.state.max-tokens}) into a
     * state that is already serving: what the feed changed meanwhile is left to be read on first use.
     *
     * @return how many tokens it added
     */
    public Uni<Integer> warm() {
        long started = System.nanoTime();
        long generation = state.beginWarming();
        return pool.preparedQuery(HOT_TOKENS)
                .execute(Tuple.of(maxTokens))
                .map(rows -> {
                    List<TokenState> hot = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        TokenState token = StateRows.state(row);
                        hot.add(token);
                        UsageTracker.Usage used = StateRows.usage(row);
                        if (used != null) {
                            usage.seed(token.id(), used);
                        }
                    }
                    int added = state.warm(hot, generation);
                    LOG.infof(
                            "Working set warmed: %d of %d recently used tokens added in %d ms",
                            added, hot.size(), (System.nanoTime() - started) / 1_000_000);
                    return added;
                })
                .onFailure()
                .invoke(e -> state.warm(List.of(), generation));
    }

    /** What changed since the last look, and whether the signing keys did. */
    public record Changes(Mark mark, int users, int tokens, int sessions, int trusts, boolean keys) {
        public boolean any() {
            return users + tokens + sessions + trusts > 0 || keys;
        }
    }

    /**
     * Applies every row stamped by a transaction at or after {@code watermark}. Rows may be applied twice
     * (a transaction still running last time is looked at again); applying is idempotent.
     */
    public Uni<Changes> applyChangesSince(String watermark, BooleanSupplier stillCurrent) {
        Tuple since = Tuple.of(watermark);
        return pool.withTransaction(conn -> conn.query(SNAPSHOT)
                        .execute()
                        .chain(() -> Uni.combine()
                                .all()
                                .unis(
                                        conn.query(WATERMARK).execute(),
                                        conn.preparedQuery(USERS_SINCE).execute(since),
                                        conn.preparedQuery(SESSIONS_SINCE).execute(since),
                                        conn.preparedQuery(TOKENS_SINCE).execute(since),
                                        conn.preparedQuery(TRUSTS_SINCE).execute(since),
                                        conn.preparedQuery(KEYS_SINCE).execute(since))
                                .with((mark, users, sessions, tokens, trusts, keys) -> new Snapshot(
                                        mark(mark),
                                        users,
                                        sessions,
                                        tokens,
                                        trusts,
                                        keys.iterator().next().getLong(0) > 0))))
                .map(changes -> {
                    if (!stillCurrent.getAsBoolean()) {
                        throw new IllegalStateException("superseded resync round");
                    }
                    apply(changes);
                    return new Changes(
                            changes.mark(),
                            changes.users().size(),
                            changes.tokens().size(),
                            changes.sessions().size(),
                            changes.trusts().size(),
                            changes.keys());
                });
    }

    private static Mark mark(RowSet<Row> single) {
        Row row = single.iterator().next();
        java.time.OffsetDateTime beat = row.getOffsetDateTime(1);
        return new Mark(row.getString(0), beat == null ? null : beat.toInstant(), row.getLong(2));
    }

    private void apply(Snapshot changes) {
        for (Row row : changes.users()) {
            if (row.getOffsetDateTime("deleted_at") != null) {
                state.removeUser(row.getUUID("id"));
            } else {
                state.putUser(StateRows.user(row));
            }
        }
        for (Row row : changes.sessions()) {
            state.revokeSession(
                    row.getUUID("jti"), row.getOffsetDateTime("expires_at").toInstant());
        }
        for (Row row : changes.tokens()) {
            state.applyChange(StateRows.state(row));
        }
        for (Row row : changes.trusts()) {
            trusts.apply(TrustRows.state(row));
        }
    }

    private Loaded replaceAll(Snapshot snapshot) {
        List<IdentityState.UserState> allUsers = new ArrayList<>();
        for (Row row : snapshot.users()) {
            allUsers.add(StateRows.user(row));
        }
        Map<UUID, Instant> revoked = new HashMap<>();
        for (Row row : snapshot.sessions()) {
            revoked.put(row.getUUID("jti"), row.getOffsetDateTime("expires_at").toInstant());
        }
        List<TokenState> allTokens = new ArrayList<>(snapshot.tokens().size());
        for (Row row : snapshot.tokens()) {
            TokenState token = StateRows.state(row);
            allTokens.add(token);
            UsageTracker.Usage used = StateRows.usage(row);
            if (used != null) {
                usage.seed(token.id(), used);
            }
        }
        state.load(allUsers, revoked, allTokens);
        List<WorkloadTrust> allTrusts = new ArrayList<>(snapshot.trusts().size());
        for (Row row : snapshot.trusts()) {
            allTrusts.add(TrustRows.state(row));
        }
        trusts.load(allTrusts);
        return new Loaded(allUsers.size(), allTokens.size(), allTrusts.size());
    }

    /** Forgets logged-out sessions whose JWT has expired anyway. */
    public Uni<Integer> pruneExpiredSessions() {
        return pools.primary()
                .query("delete from session_revocation where expires_at < now() - interval '1 minute'")
                .execute()
                .map(rows -> rows.rowCount())
                .invoke(() -> state.pruneSessions(Instant.now()));
    }
}
