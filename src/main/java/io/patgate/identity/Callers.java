package io.patgate.identity;

import io.patgate.domain.Refusal;
import io.quarkus.security.identity.SecurityIdentity;

/** The {@link Caller} that the per-request check attached to the identity. */
public final class Callers {

    private Callers() {}

    public static Caller of(SecurityIdentity identity) {
        Caller caller = identity == null ? null : identity.getAttribute(Caller.ATTRIBUTE);
        if (caller == null) {
            throw Refusal.unauthenticated("A credential is required");
        }
        return caller;
    }
}
