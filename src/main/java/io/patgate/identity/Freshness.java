package io.patgate.identity;

import io.patgate.config.PatgateConfig;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether this replica's state is too old to trust: its last successful sync began more than
 * {@code patgate.state.max-staleness} ago, so a revocation made elsewhere may be missing. Then every check
 * fails closed (503 {@code state-stale}), and readiness is down.
 */
@Singleton // on the per-request path: no client proxy between the caller and it
public class Freshness {

    private final IdentityState state;
    private final Duration maxStaleness;
    private final Clock clock;

    public Freshness(IdentityState state, PatgateConfig config, Clock clock) {
        this.state = state;
        this.clock = clock;
        this.maxStaleness = config.state().maxStaleness();
    }

    public boolean isStale() {
        Instant synced = state.syncedAt();
        return synced != null && clock.instant().isAfter(synced.plus(maxStaleness));
    }
}
