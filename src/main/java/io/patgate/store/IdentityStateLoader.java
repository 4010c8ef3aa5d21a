package io.patgate.store;

import io.patgate.identity.IdentityState;
import io.patgate.identity.TokenLookup;
import io.patgate.identity.TokenState;
import io.patgate.identity.UsageTracker;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the identity state from the database into memory: all of it at start (and after a reconnect),
 * or one token for a request that carries a token this replica has not seen.
 */
@ApplicationScoped
public class IdentityStateLoader implements TokenLookup {

    private static final Logger LOG = Logger.getLogger(IdentityStateLoader.class);
    private static final String LIVE_USERS = "select id, username, roles, disabled, sessions_not_before, kept_session from app_user where deleted_at is null";

    private final Pool pool;
    private final IdentityState state;
    private final UsageTracker usage;

    public IdentityStateLoader(Pool pool, IdentityState state, UsageTracker usage) {
        this.pool = pool;
        this.state = state;
        this.usage = usage;
    }

    /** The oldest transaction still running at the snapshot: everything older is visible in it. */
    private static final String WATERMARK = "select pg_snapshot_xmin(pg_current_snapshot())::text";

    /**
     * Replaces the whole state with what the database holds now.
     *
     * @return the watermark to pass to {@link #applyChangesSince} next
     */
    public Uni<String> loadAll(java.util.function.BooleanSupplier stillCurrent) {
        long started = System.nanoTime();
        // one snapshot, so users, sessions and tokens agree with each other and with the watermark
        return pool.withTransaction(conn -> conn.query("set transaction isolation level repeatable read, read only").execute()
                        .chain(() -> conn.query(WATERMARK).execute())
                        .chain(mark -> conn.query(LIVE_USERS).execute()
                                .chain(users -> conn.query("select jti, expires_at from session_revocation where expires_at > now()").execute()
                                        .chain(sessions -> conn.query("select " + TokenRows.COLUMNS + " from access_token t"
                                                        + " join app_user u on u.id = t.user_id where u.deleted_at is null").execute()
                                                .map(tokens -> {
                                                    if (!stillCurrent.getAsBoolean()) {
                                                        throw new IllegalStateException("superseded state load");
                                                    }
                                                    int[] counts = apply(users, sessions, tokens);
                                                    LOG.infof("Identity state loaded: %d users, %d tokens in %d ms", counts[0], counts[1],
                                                            (System.nanoTime() - started) / 1_000_000);
                                                    return mark.iterator().next().getString(0);
                                                })))));
    }

    /** What changed since the last look, and whether the signing keys did. */
    public record Changes(String watermark, int users, int tokens, int sessions, boolean keys) {
        public boolean any() {
            return users + tokens + sessions > 0 || keys;
        }
    }

    /**
     * Applies every row stamped by a transaction at or after {@code watermark}. Rows may be applied twice
     * (a transaction still running last time is looked at again); applying is idempotent.
     */
    public Uni<Changes> applyChangesSince(String watermark, java.util.function.BooleanSupplier stillCurrent) {
        Tuple since = Tuple.of(watermark);
        return pool.withTransaction(conn -> conn.query("set transaction isolation level repeatable read, read only").execute()
                .chain(() -> conn.query(WATERMARK).execute())
                .chain(mark -> conn.preparedQuery("select id, username, roles, disabled, sessions_not_before, kept_session, deleted_at from app_user where change_xid >= $1::xid8")
                        .execute(since)
                        .chain(users -> conn.preparedQuery("select jti, expires_at from session_revocation where change_xid >= $1::xid8")
                                .execute(since)
                                .chain(sessions -> conn.preparedQuery("select " + TokenRows.COLUMNS + " from access_token t where t.change_xid >= $1::xid8")
                                        .execute(since)
                                        .chain(tokens -> conn.preparedQuery("select count(*) from signing_key where change_xid >= $1::xid8")
                                                .execute(since)
                                                .map(keys -> {
                                                    if (!stillCurrent.getAsBoolean()) {
                                                        throw new IllegalStateException("superseded resync round");
                                                    }
                                                    for (Row row : users) {
                                                        if (row.getOffsetDateTime("deleted_at") != null) {
                                                            state.removeUser(row.getUUID("id"));
                                                        } else {
                                                            state.putUser(TokenRows.user(row));
                                                        }
                                                    }
                                                    for (Row row : sessions) {
                                                        state.revokeSession(row.getUUID("jti"), row.getOffsetDateTime("expires_at").toInstant());
                                                    }
                                                    for (Row row : tokens) {
                                                        state.putToken(TokenRows.state(row));
                                                    }
                                                    return new Changes(mark.iterator().next().getString(0), users.size(), tokens.size(),
                                                            sessions.size(), keys.iterator().next().getLong(0) > 0);
                                                }))))));
    }

    private int[] apply(RowSet<Row> users, RowSet<Row> sessions, RowSet<Row> tokens) {
        List<IdentityState.UserState> allUsers = new ArrayList<>();
        for (Row row : users) {
            allUsers.add(TokenRows.user(row));
        }
        Map<UUID, Instant> revoked = new HashMap<>();
        for (Row row : sessions) {
            revoked.put(row.getUUID("jti"), row.getOffsetDateTime("expires_at").toInstant());
        }
        List<TokenState> allTokens = new ArrayList<>(tokens.size());
        for (Row row : tokens) {
            TokenState token = TokenRows.state(row);
            allTokens.add(token);
            UsageTracker.Usage used = TokenRows.usage(row);
            if (used != null) {
                usage.seed(token.id(), used);
            }
        }
        state.load(allUsers, revoked, allTokens);
        return new int[]{allUsers.size(), allTokens.size()};
    }

    @Override
    public Uni<Found> find(UUID tokenId) {
        return pool.preparedQuery("select " + TokenRows.COLUMNS + ", u.username, u.roles, u.disabled, u.sessions_not_before, u.kept_session from access_token t"
                        + " join app_user u on u.id = t.user_id where t.id = $1 and u.deleted_at is null")
                .execute(Tuple.of(tokenId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    TokenState token = TokenRows.state(row);
                    IdentityState.UserState owner = TokenRows.owner(row);
                    UsageTracker.Usage used = TokenRows.usage(row);
                    if (used != null) {
                        usage.seed(token.id(), used);
                    }
                    return new Found(token, owner);
                });
    }

    /** Forgets logged-out sessions whose JWT has expired anyway. */
    public Uni<Integer> pruneExpiredSessions() {
        return pool.query("delete from session_revocation where expires_at < now() - interval '1 minute'").execute()
                .map(rows -> rows.rowCount())
                .invoke(() -> state.pruneSessions(Instant.now()));
    }
}
