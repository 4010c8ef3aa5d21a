package io.patgate.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fills the in-memory state with a token this replica has not seen, reading the database at most once per
 * token at a time: concurrent requests for the same unknown token share one query, and a token that was
 * just looked up (found or not) is not looked up again for a while. So a flood of such requests (an old
 * value of a regenerated token, a deleted user's token) never becomes a flood of queries. Only validly
 * signed tokens get here; forged ones were refused before.
 */
@ApplicationScoped
public class TokenGapFiller {

    private static final Logger LOG = Logger.getLogger(TokenGapFiller.class);
    private final Instance<TokenLookup> lookup;
    private final IdentityState state;
    /** A database that hangs must not hold a request: past {@code patgate.state.database-timeout} the token counts as unknown (401). */
    private final Duration timeout;
    private final Map<UUID, Uni<Void>> inFlight = new ConcurrentHashMap<>();
    /** Tokens looked up lately (found or not): bounded, each forgotten after {@code patgate.state.lookup-cool-down}. */
    private final Cache<UUID, Boolean> lookedUp;

    public TokenGapFiller(Instance<TokenLookup> lookup, IdentityState state, io.patgate.config.PatgateConfig config) {
        this.lookup = lookup;
        this.state = state;
        this.timeout = config.state().databaseTimeout();
        this.lookedUp = Caffeine.newBuilder().maximumSize(config.state().maxRememberedLookups())
                .expireAfterWrite(config.state().lookupCoolDown()).build();
    }

    public Uni<Void> fill(UUID tokenId) {
        if (lookedUp.getIfPresent(tokenId) != null) {
            return Uni.createFrom().voidItem();
        }
        return inFlight.computeIfAbsent(tokenId, id -> lookup.get().find(id)
                .ifNoItem().after(timeout).fail()
                .invoke(found -> {
                    lookedUp.put(id, Boolean.TRUE);
                    if (found != null) {
                        // only fills gaps: what this replica already knows came through the change feed,
                        // which orders changes; a look-up may be older than that and must not win
                        state.putUserIfAbsent(found.owner());
                        state.putTokenIfAbsent(found.token());
                        LOG.debugf("Token %s filled in from the database", id);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("Could not look up token %s: %s", id, e.toString()))
                .onFailure().recoverWithNull()
                .onTermination().invoke(() -> inFlight.remove(id))
                .replaceWithVoid()
                .memoize().indefinitely());
    }

    /** Forgets a recent look-up of a token that this replica has just created or changed itself. */
    public void created(UUID tokenId) {
        lookedUp.invalidate(tokenId);
    }
}
