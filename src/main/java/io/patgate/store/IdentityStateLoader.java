package io.patgate.store;

import io.patgate.identity.IdentityState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Reads the whole identity state from the database into memory (at start, and after a reconnect). */
@ApplicationScoped
public class IdentityStateLoader {

    private static final Logger LOG = Logger.getLogger(IdentityStateLoader.class);

    private final Pool pool;
    private final IdentityState state;

    public IdentityStateLoader(Pool pool, IdentityState state) {
        this.pool = pool;
        this.state = state;
    }

    public Uni<Void> loadAll() {
        long started = System.nanoTime();
        return pool.withTransaction(conn -> conn.query("select id, username, roles, disabled from app_user").execute()
                        .chain(users -> conn.query("select jti, expires_at from session_revocation where expires_at > now()").execute()
                                .map(sessions -> {
                                    List<IdentityState.UserState> all = new ArrayList<>();
                                    for (Row row : users) {
                                        all.add(new IdentityState.UserState(row.getUUID("id"), row.getString("username"),
                                                Set.copyOf(java.util.Arrays.asList(row.getArrayOfStrings("roles"))), row.getBoolean("disabled")));
                                    }
                                    Map<UUID, Instant> revoked = new HashMap<>();
                                    for (Row row : sessions) {
                                        revoked.put(row.getUUID("jti"), row.getOffsetDateTime("expires_at").toInstant());
                                    }
                                    state.load(all, revoked);
                                    return all.size();
                                })))
                .invoke(users -> LOG.infof("Identity state loaded: %d users in %d ms", users, (System.nanoTime() - started) / 1_000_000))
                .replaceWithVoid();
    }

    /** Forgets logged-out sessions whose JWT has expired anyway. */
    public Uni<Integer> pruneExpiredSessions() {
        return pool.query("delete from session_revocation where expires_at < now() - interval '1 minute'").execute()
                .map(rows -> rows.rowCount())
                .invoke(() -> state.pruneSessions(Instant.now()));
    }
}
