package io.patgate.identity;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fills the in-memory state with a token this replica has not seen, reading the database at most once per
 * token at a time: concurrent requests for the same unknown token share one query, and a token found
 * missing is not looked up again for a while. So a flood of such requests never becomes a flood of
 * queries. Only validly signed tokens get here; forged ones were refused before.
 */
@ApplicationScoped
public class TokenGapFiller {

    private static final Logger LOG = Logger.getLogger(TokenGapFiller.class);
    private static final Duration MISSING_FOR = Duration.ofSeconds(30);
    private static final int MAX_MISSING = 100_000;

    private final Instance<TokenLookup> lookup;
    private final IdentityState state;
    private final Map<UUID, Uni<Void>> inFlight = new ConcurrentHashMap<>();
    private final Map<UUID, Instant> missingUntil = new ConcurrentHashMap<>();

    public TokenGapFiller(Instance<TokenLookup> lookup, IdentityState state) {
        this.lookup = lookup;
        this.state = state;
    }

    public Uni<Void> fill(UUID tokenId) {
        Instant until = missingUntil.get(tokenId);
        if (until != null && Instant.now().isBefore(until)) {
            return Uni.createFrom().voidItem();
        }
        return inFlight.computeIfAbsent(tokenId, id -> lookup.get().find(id)
                .invoke(found -> {
                    if (found == null) {
                        if (missingUntil.size() >= MAX_MISSING) {
                            missingUntil.clear();
                        }
                        missingUntil.put(id, Instant.now().plus(MISSING_FOR));
                    } else {
                        state.putUser(found.owner());
                        state.putToken(found.token());
                        LOG.debugf("Token %s filled in from the database", id);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("Could not look up token %s: %s", id, e.toString()))
                .onFailure().recoverWithNull()
                .onTermination().invoke(() -> inFlight.remove(id))
                .replaceWithVoid()
                .memoize().indefinitely());
    }

    /** Forgets that a token was missing (it was just created here). */
    public void created(UUID tokenId) {
        missingUntil.remove(tokenId);
    }
}
