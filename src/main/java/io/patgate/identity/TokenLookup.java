package io.patgate.identity;

import io.smallrye.mutiny.Uni;
import java.util.UUID;

/**
 * Reads one token (and its owner) from the database, for the rare request whose token this replica
 * does not know yet. Implemented by the store; the per-request check never calls it in the steady state.
 */
public interface TokenLookup {

    /** The token and its owner, or null when there is no such token. */
    Uni<Found> find(UUID tokenId);

    record Found(TokenState token, IdentityState.UserState owner) {}
}
