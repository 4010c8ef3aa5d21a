package io.patgate.web;

import io.patgate.domain.Refusal;
import io.patgate.identity.Caller;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The one check behind {@link SessionRequired}: bound by name to the endpoints that carry it, so no handler or
 * service repeats it. Reads the request's identity without blocking (authentication is lazy here, see
 * {@code quarkus.http.auth.proactive}); a request without one is left to the endpoint's own security (401).
 */
public class SessionGuard {

    static final String DETAIL =
            "Changing an account needs a signed-in session; a personal access token, even an admin-scoped one, "
                    + "cannot do it (so a stolen token cannot take over the account that made it)";

    private final CurrentIdentityAssociation identities;

    public SessionGuard(CurrentIdentityAssociation identities) {
        this.identities = identities;
    }

    @SessionRequired
    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public Uni<Response> requireSession() {
        return identities.getDeferredIdentity().map(identity -> {
            Caller caller = identity.isAnonymous() ? null : identity.getAttribute(Caller.ATTRIBUTE);
            if (caller == null || caller.isSession()) {
                return null;
            }
            return ProblemWriter.response(Problems.of(Refusal.sessionRequired(DETAIL)));
        });
    }
}
