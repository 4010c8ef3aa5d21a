package io.patgate.account;

import io.patgate.http.ProblemException;
import io.patgate.identity.Caller;
import io.quarkus.security.identity.SecurityIdentity;

/** The {@link Caller} that the per-request check attached to the identity. */
public final class Callers {

    private Callers() {
    }

    public static Caller of(SecurityIdentity identity) {
        Caller caller = identity == null ? null : identity.getAttribute(Caller.ATTRIBUTE);
        if (caller == null) {
            throw ProblemException.unauthorized("A credential is required");
        }
        return caller;
    }
}
