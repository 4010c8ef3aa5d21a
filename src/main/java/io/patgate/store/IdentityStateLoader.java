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
    private static final String LIVE_USERS = "select id, username, roles, disabled from app_user where deleted_at is null";

    private final Pool pool;
    private final IdentityState state;
    private final UsageTracker usage;

    public IdentityStateLoader(Pool pool, IdentityState state, UsageTracker usage) {
        this.pool = pool;
        this.state = state;
        this.usage = usage;
    }

    public Uni<Void> loadAll() {
        long started = System.nanoTime();
        // one snapshot, so users, sessions and tokens agree with each other
        return pool.withTransaction(conn -> conn.query("set transaction isolation level repeatable read, read only").execute()
                        .chain(() -> conn.query(LIVE_USERS).execute())
                        .chain(users -> conn.query("select jti, expires_at from session_revocation where expires_at > now()").execute()
                                .chain(sessions -> conn.query("select " + TokenRows.COLUMNS + " from access_token t"
                                                + " join app_user u on u.id = t.user_id where u.deleted_at is null").execute()
                                        .map(tokens -> apply(users, sessions, tokens)))))
                .invoke(counts -> LOG.infof("Identity state loaded: %d users, %d tokens in %d ms", counts[0], counts[1],
                        (System.nanoTime() - started) / 1_000_000))
                .replaceWithVoid();
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
        return pool.preparedQuery("select " + TokenRows.COLUMNS + ", u.username, u.roles, u.disabled from access_token t"
                        + " join app_user u on u.id = t.user_id where t.id = $1 and u.deleted_at is null")
                .execute(Tuple.of(tokenId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    TokenState token = TokenRows.state(row);
                    IdentityState.UserState owner = new IdentityState.UserState(token.userId(), row.getString("username"),
                            java.util.Set.copyOf(java.util.Arrays.asList(row.getArrayOfStrings("roles"))), row.getBoolean("disabled"));
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
