package io.patgate.identity;

import io.patgate.config.PatgateConfig;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether this replica's state is too old to trust: the newest database heartbeat it includes (written with the
 * primary's clock, see {@code replica.Heartbeat}) is more than {@code patgate.state.max-staleness} old, so a revocation
 * committed since may be missing, whether the database is unreachable or the standby it reads has fallen behind.
 * Then every check fails closed (503 {@code state-stale}), and readiness is down. Comparing the primary's clock with
 * this replica's adds their difference (NTP: milliseconds) to the bound.
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
