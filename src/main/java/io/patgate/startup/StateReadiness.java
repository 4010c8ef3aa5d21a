package io.patgate.startup;

import io.patgate.identity.IdentityState;
import io.patgate.identity.KeyRing;
import io.patgate.replica.DatabaseStatus;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the signing keys and the identity state are in memory: from then on every check can be
 * answered, with or without the database. A database that is away is reported as a degraded dependency
 * in the data, not as "down": taking every replica out of the Service would stop the checks that still work.
 * Past {@code patgate.state.max-staleness} since the newest heartbeat its state includes, though, the replica is not ready:
 * it fails closed and must not receive traffic.
 */
@Readiness
@ApplicationScoped
public class StateReadiness implements HealthCheck {

    private final IdentityState state;
    private final KeyRing keys;
    private final DatabaseStatus database;
    private final io.patgate.identity.CredentialVerifier verifier;

    public StateReadiness(
            IdentityState state,
            KeyRing keys,
            DatabaseStatus database,
            io.patgate.identity.CredentialVerifier verifier) {
        this.state = state;
        this.keys = keys;
        this.database = database;
        this.verifier = verifier;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("patgate-state")
                .status(state.isLoaded() && keys.isLoaded() && !verifier.isStale())
                .withData("syncedAt", String.valueOf(state.syncedAt()))
                .withData("stale", verifier.isStale())
                .withData("users", state.userCount())
                .withData("tokens", state.tokenCount())
                .withData("database", database.isAvailable() ? "up" : "degraded: unreachable since " + database.since())
                .build();
    }
}
