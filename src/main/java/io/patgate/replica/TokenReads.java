package io.patgate.replica;

import io.patgate.identity.IdentityState;
import io.patgate.identity.TokenLookup;
import io.patgate.identity.TokenState;
import io.patgate.identity.UsageTracker;
import io.patgate.store.StateRows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * One token and its owner read cold, for a request that carries a token this replica's memory does not hold (outside
 * the working set, or made a moment ago on another replica): identity's {@link TokenLookup} port, called by its gap
 * filler, never on the steady path. It reads where the rounds read ({@link ReadPool#reads()}, a standby near this
 * replica when one is set), and when that standby does not hold the token (yet) it asks the primary before the token
 * is called unknown, so a standby's lag never refuses a new token. The last use the database holds seeds this
 * replica's usage tracker, as the loads do ({@link IdentityStateLoader}).
 */
@ApplicationScoped
class TokenReads implements TokenLookup {

    private static final String TOKEN = "select " + StateRows.COLUMNS + ", " + StateRows.OWNER_COLUMNS + ", "
            + StateRows.USAGE_COLUMNS + " from access_token t join app_user u on u.id = t.user_id"
            + StateRows.USAGE_JOIN + " where t.id = $1 and u.deleted_at is null";

    private final ReadPool pools;
    private final UsageTracker usage;

    TokenReads(ReadPool pools, UsageTracker usage) {
        this.pools = pools;
        this.usage = usage;
    }

    /**
     * One token and its owner, from the rounds' source; when that is a standby that does not hold the token (yet),
     * from the primary: a token created a moment ago, on any replica, is never refused for a standby's lag.
     */
    @Override
    public Uni<Found> find(UUID tokenId) {
        Uni<Found> near = find(pools.reads(), tokenId);
        return pools.separate()
                ? near.chain(found -> found != null ? Uni.createFrom().item(found) : find(pools.primary(), tokenId))
                : near;
    }

    private Uni<Found> find(Pool source, UUID tokenId) {
        return source.preparedQuery(TOKEN).execute(Tuple.of(tokenId)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            TokenState token = StateRows.state(row);
            IdentityState.UserState owner = StateRows.owner(row);
            UsageTracker.Usage used = StateRows.usage(row);
            if (used != null) {
                usage.seed(token.id(), used);
            }
            return new Found(token, owner);
        });
    }
}
