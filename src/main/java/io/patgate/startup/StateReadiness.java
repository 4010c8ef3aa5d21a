package io.patgate.startup;

import io.patgate.identity.IdentityState;
import io.patgate.identity.KeyRing;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the signing keys and the identity state are in memory: from then on every check can be answered. */
@Readiness
@ApplicationScoped
public class StateReadiness implements HealthCheck {

    private final IdentityState state;
    private final KeyRing keys;

    public StateReadiness(IdentityState state, KeyRing keys) {
        this.state = state;
        this.keys = keys;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("patgate-state")
                .status(state.isLoaded() && keys.isLoaded())
                .withData("users", state.userCount())
                .build();
    }
}
