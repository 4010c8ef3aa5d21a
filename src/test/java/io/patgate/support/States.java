package io.patgate.support;

import io.patgate.identity.TokenState;
import java.time.Instant;

/**
 * Copies of a token's in-memory state for tests that travel in time. Each copy is a newer version than the
 * one it replaces, as a real change would be, so a change-feed round of the token's creation that arrives late
 * cannot put the original back while the test looks.
 */
public final class States {

    private States() {}

    /** The same token, as it will be once its expiry has passed. */
    public static TokenState expired(TokenState live) {
        return new TokenState(
                live.id(),
                live.userId(),
                live.scopes(),
                live.allowedCidrs(),
                live.issuedAt(),
                Instant.now().minusSeconds(1),
                live.revokedAt(),
                live.digest(),
                live.previousDigest(),
                live.previousValidUntil(),
                live.version() + 1);
    }

    /** The token as it was, put back over {@link #expired}. */
    public static TokenState restored(TokenState live) {
        return new TokenState(
                live.id(),
                live.userId(),
                live.scopes(),
                live.allowedCidrs(),
                live.issuedAt(),
                live.expiresAt(),
                live.revokedAt(),
                live.digest(),
                live.previousDigest(),
                live.previousValidUntil(),
                live.version() + 2);
    }
}
